// Everything the generated files describe, computed once by write_artifact and shared by the
// entry point source, kiln_model.h and manifest.json so they cannot disagree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backend/halide/codegen/plan_check.h"
#include "backend/halide/codegen/weights_packing.h"
#include "backend/halide/execution_plan.h"

namespace kiln::halide::codegen {

struct ArtifactContents {
  const Plan* plan = nullptr;
  CheckedPlan checked;
  PackedWeights weights;
  std::vector<std::string> symbols;     // per kernel: the symbol its cached object defines
  std::vector<std::string> cache_keys;  // per kernel
  std::string kiln_version;             // as stamped into the plan table
  uint32_t abi_version = 0;
  std::string target;  // the kernels' target without no_runtime, e.g. "x86-64-linux-avx2-fma"
  // Per kernel: why its autoscheduler gave up on it (it uses its hand schedule), or "". Known
  // once the objects are built.
  std::vector<std::string> schedule_fallbacks;
  // Per kernel: what its schedule chose (schedule_description.h), or "". Known with the objects.
  std::vector<std::string> schedules;
  // xxh64 of the linked libkiln_model.so (weights.bin and manifest.json record it). Known once
  // the library is linked, so those two files are written after it.
  uint64_t library_checksum = 0;
};

}  // namespace kiln::halide::codegen
