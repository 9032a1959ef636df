// The list of zoo models and their provenance lines.
#include "ir/error.h"
#include "models/zoo.h"

namespace kiln {

const std::vector<ZooModel>& zoo_models() {
  static const std::vector<ZooModel> models = {
      {"alexnet",
       {"AlexNet: Krizhevsky, Sutskever, Hinton, \"ImageNet Classification with Deep",
        "Convolutional Neural Networks\", NIPS 2012; layers as in Caffe's bvlc_alexnet (grouped",
        "conv2/4/5, LRN after relu1/relu2). conv1 pads by 2 so a 224x224 input gives 55x55, as",
        "torchvision does (Caffe feeds 227x227 without padding)."},
       build_alexnet},
      {"vgg16",
       {"VGG-16: Simonyan, Zisserman, \"Very Deep Convolutional Networks for Large-Scale",
        "Image Recognition\", ICLR 2015, configuration D; layer names as in Caffe's",
        "VGG_ILSVRC_16_layers."},
       build_vgg16},
      {"nin",
       {"Network in Network: Lin, Chen, Yan, \"Network In Network\", ICLR 2014; the ImageNet",
        "model of the Caffe model zoo (nin_imagenet): four mlpconv blocks, the last one with",
        "1000 channels, global average pooling instead of dense layers; max pools round up",
        "(ceil mode) like Caffe."},
       build_nin},
      {"googlenet",
       {"GoogLeNet (Inception v1): Szegedy et al., \"Going Deeper with Convolutions\", CVPR",
        "2015 (arXiv 2014), as Caffe's bvlc_googlenet: LRN in the stem, nine inception modules",
        "with the paper's channel table, max pools in ceil mode, and the two auxiliary",
        "classifiers (after 4a and 4d) as `aux` outputs."},
       build_googlenet},
      {"resnet18",
       {"ResNet-18: He, Zhang, Ren, Sun, \"Deep Residual Learning for Image Recognition\",",
        "CVPR 2016; basic blocks, batch norm after every convolution, 1x1 projection",
        "shortcuts when the shape changes; layer names follow torchvision."},
       build_resnet18},
      {"resnet50",
       {"ResNet-50: He, Zhang, Ren, Sun, \"Deep Residual Learning for Image Recognition\",",
        "CVPR 2016; bottleneck blocks with the stride on the 3x3 convolution (torchvision's",
        "\"v1.5\"), batch norm after every convolution, 1x1 projection shortcuts; layer names",
        "follow torchvision."},
       build_resnet50},
  };
  return models;
}

std::vector<std::string> zoo_model_names() {
  std::vector<std::string> names;
  for (const auto& m : zoo_models()) names.push_back(m.name);
  return names;
}

const ZooModel& find_zoo_model(const std::string& name) {
  std::string known;
  for (const auto& m : zoo_models()) {
    if (m.name == name) return m;
    known += (known.empty() ? "" : ", ") + m.name;
  }
  throw Error("unknown zoo model '" + name + "' (known: " + known + ")");
}

std::unique_ptr<Graph> build_zoo_model(const std::string& name) {
  return find_zoo_model(name).build();
}

}  // namespace kiln
