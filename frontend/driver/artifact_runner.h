// Running a compiled artifact (libkiln_model.so + weights.bin) through the
// thin runtime, with the same inputs and reports as the reference backend.
#pragma once

#include <string>
#include <vector>

#include "frontend/driver/input_options.h"
#include "frontend/driver/run_report.h"
#include "ir/tensor.h"
#include "runtime/kiln_runtime.hpp"

namespace kiln::driver {

// One tensor per input of the artifact, bound by name: from --input files, else seeded as
// `kiln run MODEL` seeds them, so both backends see the same data. An --input file of another
// batch size is told to recompile: an artifact's batch is fixed.
TensorMap artifact_inputs(const Model& model, const std::vector<std::string>& input_specs,
                          uint64_t seed);

struct ArtifactRun {
  TensorMap outputs;
  std::vector<OutputInfo> infos;
  double run_ms = 0;
  std::vector<StepProfile> profile;  // when profiling
};

// Runs once on `inputs` (one tensor per input of the model, by name) and collects the outputs.
// `probabilities` names outputs known to be softmaxes.
ArtifactRun run_artifact(Model& model, const TensorMap& inputs, int threads, bool profile,
                         const std::vector<std::string>& probabilities = {});

// A per-kernel table: time, share, GFLOP/s and the layers each kernel covers.
void print_profile(const std::vector<StepProfile>& steps);

}  // namespace kiln::driver
