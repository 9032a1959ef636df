// The measuring half of `kiln bench`: runs a loaded artifact repeatedly and
// records the wall time of every whole-model run and, separately, of every
// kernel call.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/kiln_runtime.hpp"

namespace kiln::driver {

struct BenchSettings {
  int runs = 20;
  int warmup = 3;
  int threads = 0;  // 0: one per core
  bool per_layer = false;
  uint64_t seed = 1;  // inputs, seeded as `kiln run` seeds them
};

// One step of the plan (a kernel call), with its time in each profiled run.
struct StepTiming {
  std::string kernel, description, layers;
  double flops = 0;  // per call
  std::vector<double> seconds;
  // Per run: the share of the step's thread-time spent idle at the end of its parallel loops
  // (kiln_profile_info::wait_seconds over threads * seconds).
  std::vector<double> wait_shares;
};

struct BenchTimings {
  int threads = 0;                // the count the kernels ran with
  std::vector<double> run_ms;     // whole model, one per timed run
  double other_load = 0;          // share of the CPUs other processes used meanwhile
  std::vector<StepTiming> steps;  // per_layer only
};

// Warm-up runs, then `runs` timed runs without profiling (profiling adds two
// clock reads per step); with per_layer, `runs` more runs with profiling,
// each read back on its own so every kernel gets a time per run.
BenchTimings run_benchmark(Model& model, const BenchSettings& s);

// The thread count that `threads` stands for (0: the runtime's default, HL_NUM_THREADS or one
// per CPU this process may run on).
int resolve_threads(int threads);

}  // namespace kiln::driver
