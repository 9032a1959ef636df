// Second stage of write_artifact: compile the generated entry point with the system C compiler
// and link it with the cached objects into libkiln_model.so, reproducibly (no build id, no
// temporary paths, fixed input order) and with only the kiln entry points exported.
#pragma once

#include <string>

#include "backend/halide/codegen/artifact_contents.h"
#include "backend/halide/codegen/codegen.h"
#include "backend/halide/codegen/kernel_cache.h"

namespace kiln::halide::codegen {

inline constexpr const char* kLibraryFile = "libkiln_model.so";

// Builds the library in a private temporary directory and installs it as
// `<out_dir>/libkiln_model.so` atomically. Throws std::runtime_error with the failing command
// and its output.
void link_library(const ArtifactContents& contents, const KernelCache& cache,
                  const CodegenOptions& options, const std::string& out_dir);

}  // namespace kiln::halide::codegen
