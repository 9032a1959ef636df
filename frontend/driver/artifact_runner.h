// Running a compiled artifact (libkiln_model.so + weights.bin) through the
// thin runtime, with the same inputs and reports as the reference backend.
#pragma once

#include <string>
#include <vector>

#include "frontend/driver/input_options.h"
#include "frontend/driver/run_report.h"
#include "ir/tensor.h"
#include "runtime/kiln_runtime.hpp"

namespace CLI {
class App;
}

namespace kiln::driver {

// True when `path` is a directory holding a compiled artifact.
bool is_artifact_dir(const std::string& path);

// Options that shape compilation (batch, weights, target, ...): they mean nothing for an
// artifact, which is compiled already.
const std::vector<std::string>& compile_only_options();

// "OPT cannot be used with an artifact directory (DIR is compiled already)" for the first of
// `options` given on `app`'s command line, or "" when none is: silently ignoring one would run
// something other than asked for.
std::string artifact_conflict(const CLI::App& app, const std::string& dir,
                              const std::vector<std::string>& options);

struct ArtifactRun {
  TensorMap outputs;
  std::vector<OutputInfo> infos;
  double run_ms = 0;
  std::vector<StepProfile> profile;  // when profiling
};

// Binds inputs by name (--input files, else seeded as `kiln run MODEL` seeds
// them, so both backends see the same data), runs once, and collects the
// outputs. `probabilities` names outputs known to be softmaxes; `advice` is
// what an --input file of another batch size is told.
ArtifactRun run_artifact(Model& model, const std::vector<std::string>& input_specs, uint64_t seed,
                         int threads, bool profile,
                         const std::vector<std::string>& probabilities = {},
                         BatchAdvice advice = BatchAdvice::kBatchFlag);

// A per-kernel table: time, share, GFLOP/s and the layers each kernel covers.
void print_profile(const std::vector<StepProfile>& steps);

}  // namespace kiln::driver
