// The generated C entry point of libkiln_model.so: the plan as static tables (runtime/kiln_plan.h)
// behind kiln_model_plan() and a forwarder per kernel under the
// plan's function name (the cached objects define key-derived symbols). Also the linker version
// script exporting exactly those symbols, so the kernels' Halide runtime stays private.
#pragma once

#include <string>

#include "backend/halide/codegen/artifact_contents.h"

namespace kiln::halide::codegen {

inline constexpr const char* kEntrySourceFile = "kiln_model_entry.c";
inline constexpr const char* kPlanHeaderFile = "kiln_plan.h";

std::string entry_source(const ArtifactContents& contents);
std::string export_map(const ArtifactContents& contents);

}  // namespace kiln::halide::codegen
