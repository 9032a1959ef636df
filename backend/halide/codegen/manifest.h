// manifest.json: a machine-readable description of the artifact for tools and humans (the
// runtime itself needs only the library and weights.bin).
#pragma once

#include <string>

#include "backend/halide/codegen/artifact_contents.h"

namespace kiln::halide::codegen {

inline constexpr const char* kManifestFile = "manifest.json";

// Deterministic text (fixed key order, no timestamps or paths).
std::string manifest_json(const ArtifactContents& contents);

}  // namespace kiln::halide::codegen
