// The model zoo: classic ImageNet CNNs built from C++ with GraphBuilder.
// models/<name>.kir are generated from these builders by `kiln-zoo` and are
// checked against them by tests/zoo, so the text files cannot drift.
//
// Every model takes `data` f32[1,3,224,224] and ends in a `softmax` node
// named `prob` (the main output) fed by the logits; auxiliary classifier
// heads (GoogLeNet) are `aux` outputs carrying logits.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace kiln {

struct ZooModel {
  std::string name;
  // What the model is and where it comes from, one line each; kiln-zoo
  // writes them as '#' comments at the top of the .kir file.
  std::vector<std::string> description;
  std::unique_ptr<Graph> (*build)();
};

// In a fixed order (alexnet, vgg16, nin, googlenet, resnet18, resnet50).
const std::vector<ZooModel>& zoo_models();
std::vector<std::string> zoo_model_names();
// Throws kiln::Error listing the known names when `name` is not one.
const ZooModel& find_zoo_model(const std::string& name);
std::unique_ptr<Graph> build_zoo_model(const std::string& name);

// The builders, one per file in models/zoo/.
std::unique_ptr<Graph> build_alexnet();
std::unique_ptr<Graph> build_vgg16();
std::unique_ptr<Graph> build_nin();
std::unique_ptr<Graph> build_googlenet();
std::unique_ptr<Graph> build_resnet18();
std::unique_ptr<Graph> build_resnet50();

}  // namespace kiln
