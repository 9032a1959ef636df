// What `kiln bench` reads from an artifact's manifest.json: the target, the
// total work and, per step, the kernel's op and the shapes it maps.
#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"

namespace kiln::driver {

struct ManifestStep {
  std::string kernel, op;
  std::string schedule;             // what the kernel's schedule chose; may be empty
  std::vector<std::string> layers;  // the source graph's nodes it covers
  std::string shapes;               // "1x64x56x56 -> 1x256x56x56"; weights left out
  double flops = 0;
};

struct ArtifactManifest {
  std::string target;
  double flops = 0;  // whole model, per run
  std::vector<ManifestStep> steps;
};

// Shapes come from `g` for tensors named after one of its values (exact),
// else from the tensor's extents, where a channel-blocked tensor shows its
// channels rounded up to the block. Throws kiln::Error naming the file when
// it is missing or malformed.
ArtifactManifest read_manifest(const std::string& artifact_dir, const Graph* g = nullptr);

}  // namespace kiln::driver
