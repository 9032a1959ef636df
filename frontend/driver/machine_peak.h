// The best floating-point rate this machine's cores reach: a microkernel of
// independent vector FMAs on registers (no memory traffic, no dependency
// stalls), timed on one thread and on N threads at once. `kiln bench`
// states per-layer efficiency as a share of it. Measuring takes about a
// second, so the result is cached per CPU model, ISA and thread count.
#pragma once

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

// The clock one thread runs at now, in GHz (MachinePeak::ghz's measurement, ~50 ms). A shared or
// virtual machine's clock moves with the host's load (3.6-3.9 GHz seen on the same VM in one
// day), while the peak is cached once: `kiln bench` states both so a reader can tell.
double measure_clock_ghz();

// The microkernel's rate on `threads` threads right now: the best of `trials` trials, as
// measure_machine_peak takes it, but neither cached nor waiting for undisturbed trials. `kiln
// bench` takes it around its runs: a host busy for the whole bench (other guests on the
// physical cores) shows as a lower figure here while the cached peak stays as it was.
double measure_peak_now(int threads, int trials = 5);

// The cached figure for this CPU and thread count under cache_dir, measuring
// (and caching) it when absent or when `remeasure` is set. An unwritable
// cache is not an error: the figure is then measured every time.
MachinePeak machine_peak(const std::string& cache_dir, int threads, bool remeasure = false);

}  // namespace kiln::driver
