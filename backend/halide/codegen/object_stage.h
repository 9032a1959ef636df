// First stage of write_artifact: make sure every kernel object and the Halide runtime object are
// in the cache, compiling the missing ones in parallel worker processes, and write the optional
// emit/ listings.
#pragma once

#include <map>
#include <string>

#include "Halide.h"
#include "backend/halide/codegen/artifact_contents.h"
#include "backend/halide/codegen/codegen.h"
#include "backend/halide/codegen/kernel_cache.h"

namespace kiln::halide::codegen {

struct ObjectStageResult {
  int objects = 0;  // distinct kernel objects
  int hits = 0, misses = 0;
  bool runtime_hit = false;
  std::vector<std::string> emitted;
  // Per plan kernel: why its autoscheduler gave up and it uses its hand schedule, or "".
  std::vector<std::string> fallbacks;
  // Per plan kernel: what its schedule chose (schedule_description.h), or "".
  std::vector<std::string> schedules;
};

// Listing files of CodegenOptions::emit kinds for kernel `fn` under `emit_dir`; throws
// std::invalid_argument for an unknown kind.
std::map<Halide::OutputFileType, std::string> emit_outputs(const std::vector<std::string>& kinds,
                                                           const std::string& emit_dir,
                                                           const std::string& fn);

// Target the artifact is for: the plan's, minus JIT and NoRuntime. Throws std::invalid_argument
// for UserContext, which would change the kernels' calling convention.
Halide::Target artifact_target(const Plan& plan);
// Target the kernels are compiled for: artifact_target without a runtime of their own.
Halide::Target kernel_target(const Plan& plan);

ObjectStageResult build_objects(const ArtifactContents& contents, const KernelCache& cache,
                                const CodegenOptions& options, const std::string& emit_dir);

}  // namespace kiln::halide::codegen
