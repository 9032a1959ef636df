// What `kiln bench` found, and its text and JSON forms.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "frontend/driver/bench_manifest.h"
#include "frontend/driver/bench_runner.h"
#include "frontend/driver/bench_stats.h"
#include "frontend/driver/machine_peak.h"

namespace kiln::driver {

// One kernel call of the plan, summarised over the profiled runs.
struct LayerRow {
  int step = 0;
  std::string kernel, op, description, shapes;
  std::string schedule;  // what the kernel's schedule chose (manifest); may be empty
  std::vector<std::string> layers;
  double flops = 0;                  // per call
  double median_ms = 0, min_ms = 0;  // per call
  double gflops = 0;                 // at the median
  double percent_of_peak = 0;        // of MachinePeak::all_threads_gflops
  double percent_of_peak_now = 0;    // of BenchReport::peak_now_gflops()
  double share = 0;                  // of the summed medians, in percent
  // Median over the runs: the share of the threads' time spent waiting at the end of the
  // step's parallel loops (uneven work), in percent; 0 with one thread.
  double wait_percent = 0;

  // The schedule as the table shows it: "-" where the kernel recorded none.
  std::string schedule_shown() const { return schedule.empty() ? "-" : schedule; }
};

// The calls of one kind of kernel together: convolutions by algorithm and window
// ("conv2d 1x1", "winograd_conv2d 3x3"), other ops by op. GFLOP/s and %peak are flop-weighted
// (all the kind's flops over all its time), as a layer's own figures are.
struct KindRow {
  std::string kind;
  int calls = 0;
  double flops = 0, ms = 0;  // per run, summed over the calls
  double gflops = 0, percent_of_peak = 0, percent_of_peak_now = 0, share = 0;
};

struct CompileSummary {
  bool compiled = false;  // false: an existing artifact was benchmarked
  int kernels = 0, cache_hits = 0, cache_misses = 0;
  double seconds = 0;
};

struct BenchReport {
  std::string model;     // as given on the command line
  std::string artifact;  // directory benchmarked (a temporary one for MODEL)
  std::string target;
  int threads = 0, batch = 1, runs = 0, warmup = 0;
  std::vector<double> run_ms;
  LatencyStats latency;    // of run_ms
  double other_load = 0;   // share of the CPUs other processes used during the timed runs
  double model_flops = 0;  // per run
  // Kernels that run a convolution as Winograd: model_flops (and every GFLOP/s and %peak
  // figure) counts their direct convolution's flops, not the fewer they execute.
  int winograd_steps = 0;
  MachinePeak peak;
  double clock_ghz = 0;  // one thread's clock measured right after the timed runs
  // The peak's microkernel on `threads` threads just before and just after the runs
  // (measure_peak_now); their mean is what the cores delivered meanwhile.
  double peak_now_before = 0, peak_now_after = 0;
  double peak_now_gflops() const { return (peak_now_before + peak_now_after) / 2; }
  // A conv kernel's inner loop just before and after the runs (measure_conv_loop_now) and its
  // share of the microkernel, against the best share on this machine: lower when other work on
  // the host slows loads, which the FMA-only microkernel barely shows. now_gflops is the mean of
  // the two; 0 without vector FMA.
  double conv_loop_before = 0, conv_loop_after = 0;
  ConvLoopRate conv_loop;
  CompileSummary compile;
  std::vector<LayerRow> layers;  // empty unless per-layer timings were taken
};

// Joins the per-step timings with the manifest's ops and shapes.
std::vector<LayerRow> layer_rows(const std::vector<StepTiming>& steps,
                                 const ArtifactManifest& manifest, double peak_gflops,
                                 double peak_now_gflops);

// `layers` grouped by kind, the most time first.
std::vector<KindRow> kind_rows(const std::vector<LayerRow>& layers, double peak_gflops,
                               double peak_now_gflops);

// "459.3 GFLOP/s on 2 threads (229.6 on one; ...)": the figure and where it came from.
std::string describe_peak(const MachinePeak& p);

// "clock after the timed runs: 3.60 GHz, 7% below the 3.89 GHz the peak was measured at: %peak
// figures understate ...", or "... (the peak's: 3.89 GHz)" within 3%.
std::string describe_clock(double clock_ghz, const MachinePeak& p);

// "microkernel around the runs: 405.1 GFLOP/s (412.0 before, 398.2 after), 90% of the peak: ...".
std::string describe_peak_now(const BenchReport& r);

// "conv-like loop ... around the runs: 212.3 GFLOP/s (...), 88% of the microkernel (at best 97%
// on this machine): ...", or "" when the host has no vector FMA.
std::string describe_conv_loop(const BenchReport& r);

// "3 of the kernels are Winograd convolutions: ... direct-equivalent ...", or "" when none is.
std::string describe_flop_count(const BenchReport& r);

// To `out`: stdout, or stderr when the JSON goes to stdout.
void print_summary(const BenchReport& r, std::FILE* out);
void print_layer_table(const BenchReport& r, std::FILE* out);
// Every figure above, machine-readable; times in milliseconds.
std::string bench_json(const BenchReport& r);

}  // namespace kiln::driver
