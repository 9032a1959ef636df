// kiln_model.h: a C header describing the artifact's inputs and outputs (names, shapes, sizes)
// as macros, so C code can size its buffers at compile time:
//   float image[KILN_MODEL_INPUT0_SIZE];  /* KILN_MODEL_INPUT0_NAME "data", [1, 3, 224, 224] */
#pragma once

#include <string>

#include "backend/halide/codegen/artifact_contents.h"

namespace kiln::halide::codegen {

inline constexpr const char* kModelHeaderFile = "kiln_model.h";

std::string model_header(const ArtifactContents& contents);

}  // namespace kiln::halide::codegen
