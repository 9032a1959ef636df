// The best floating-point rate this machine's cores reach: a microkernel of
// independent vector FMAs on registers (no memory traffic, no dependency
// stalls), timed on one thread and on N threads at once. `kiln bench`
// states per-layer efficiency as a share of it. Measuring takes about a
// second, so the result is cached per CPU model, ISA and thread count.
#pragma once

#include <cstdint>
#include <string>

namespace kiln::driver {

struct MachinePeak {
  std::string cpu;  // "Intel(R) Xeon(R) Processor (family 6 model 167 stepping 1)"
  std::string isa;  // the widest FMA the host has: "avx512f+fma", "avx2+fma" or "scalar"
  int threads = 1;  // threads behind all_threads_gflops
  double single_thread_gflops = 0;
  double all_threads_gflops = 0;
  // The clock one thread runs at (a chain of dependent integer adds, one per
  // cycle) and so the flops per cycle one core retires: 64 means two 16-lane
  // FMAs a cycle, 32 one (or two 8-lane ones).
  double ghz = 0;
  double flops_per_cycle() const { return ghz > 0 ? single_thread_gflops / ghz : 0; }
  // No trial ran undisturbed (other processes held the cores throughout):
  // the figures are estimated from the threads' CPU time, and not cached.
  bool contended = false;
  bool from_cache = false;
  bool given = false;      // stated by the user (kiln bench --peak-gflops), not measured
  std::string cache_file;  // empty when not cached (no cache directory given)
};

// Measures now. threads >= 1.
MachinePeak measure_machine_peak(int threads);

// A floating-point loop to time: loop(iters) runs `iters` iterations of flops_per_iter flops
// each and returns a value that depends on all of them.
struct RateLoop {
  const char* isa;  // what it needs: "avx512f+fma", "avx2+fma" or "scalar"
  float (*loop)(int64_t iters);
  double flops_per_iter;
};

// The loop's best rate in GFLOP/s over `trials` trials of ~20 ms, `threads` copies at once
// (released together; all their work over the wall time to the last one's end).
double measure_loop_now(const RateLoop& loop, int threads, int trials = 5);

// The clock one thread runs at now, in GHz (MachinePeak::ghz's measurement, ~50 ms). A shared or
// virtual machine's clock moves with the host's load (3.6-3.9 GHz seen on the same VM in one
// day), while the peak is cached once: `kiln bench` states both so a reader can tell.
double measure_clock_ghz();

// The microkernel's rate on `threads` threads right now: the best of `trials` trials, as
// measure_machine_peak takes it, but neither cached nor waiting for undisturbed trials. `kiln
// bench` takes it around its runs: a host busy for the whole bench (other guests on the
// physical cores) shows as a lower figure here while the cached peak stays as it was.
double measure_peak_now(int threads, int trials = 5);

// A conv kernel's inner loop (the register tile of Kiln's schedule for the host's ISA, weights
// and input pixels loaded from L1): its rate on `threads` threads now, in GFLOP/s, or 0 without
// a vector FMA. Other work on the host (another guest on a sibling hyperthread) slows loads far
// more than FMAs: in such spells the FMA-only microkernel loses 2-3% while this loop and every
// conv kernel lose 10-20%. Its share of the microkernel's rate taken at the same time is
// therefore what tells a slow host from slow kernels; the clock moves both alike.
double measure_conv_loop_now(int threads, int trials = 5);

struct ConvLoopRate {
  double now_gflops = 0;
  double share = 0;        // now_gflops over the microkernel's rate at the same time
  double best_share = 0;   // the highest share seen on this machine (cached), this one included
  std::string cache_file;  // empty when not cached
};

// The loop's share of the microkernel now, against the best share recorded for this CPU, ISA
// and thread count under cache_dir (recorded there when this one is higher; `reset` forgets the
// old best, as --remeasure-peak does the peak). 0s without a vector FMA.
ConvLoopRate conv_loop_rate(const std::string& cache_dir, int threads, double now_gflops,
                            double microkernel_now_gflops, bool reset);

// The cached figure for this CPU, ISA, thread count and microkernel version
// under cache_dir, measuring (and caching) it when absent or when `remeasure`
// is set. An unwritable cache is not an error: the figure is then measured
// every time.
MachinePeak machine_peak(const std::string& cache_dir, int threads, bool remeasure = false);

}  // namespace kiln::driver
