// ResNet-18 (basic blocks) and ResNet-50 (bottlenecks), torchvision layout and
// names: a shortcut is a 1x1 convolution + batch norm ("downsample") whenever
// the block changes the shape, and ResNet-50 strides on the 3x3 convolution
// ("v1.5") rather than on the first 1x1 as in the paper.
#include "ir/builder.h"
#include "models/zoo.h"

namespace kiln {

namespace {

Node* conv_bn(GraphBuilder& b, const std::string& conv, const std::string& bn, Node* x,
              int64_t channels, int64_t kernel, int64_t stride) {
  return b.batch_norm(bn, b.conv2d(conv, x, channels, kernel, stride, kernel / 2, 1, false));
}

Node* shortcut(GraphBuilder& b, const std::string& p, Node* x, int64_t channels, int64_t stride) {
  if (stride == 1 && x->type().dim(1) == channels) return x;
  return conv_bn(b, p + "downsample.0", p + "downsample.1", x, channels, 1, stride);
}

Node* basic_block(GraphBuilder& b, const std::string& p, Node* x, int64_t channels,
                  int64_t stride) {
  Node* y = b.relu(p + "relu1", conv_bn(b, p + "conv1", p + "bn1", x, channels, 3, stride));
  y = conv_bn(b, p + "conv2", p + "bn2", y, channels, 3, 1);
  return b.relu(p + "relu", b.add(p + "add", y, shortcut(b, p, x, channels, stride)));
}

// Expands to 4x `width` channels.
Node* bottleneck(GraphBuilder& b, const std::string& p, Node* x, int64_t width, int64_t stride) {
  Node* y = b.relu(p + "relu1", conv_bn(b, p + "conv1", p + "bn1", x, width, 1, 1));
  y = b.relu(p + "relu2", conv_bn(b, p + "conv2", p + "bn2", y, width, 3, stride));
  y = conv_bn(b, p + "conv3", p + "bn3", y, 4 * width, 1, 1);
  return b.relu(p + "relu", b.add(p + "add", y, shortcut(b, p, x, 4 * width, stride)));
}

using Block = Node* (*)(GraphBuilder&, const std::string&, Node*, int64_t, int64_t);

std::unique_ptr<Graph> build_resnet(const std::string& name, Block block,
                                    const int (&blocks_per_stage)[4]) {
  auto g = std::make_unique<Graph>(name);
  GraphBuilder b(*g);
  Node* x = b.input("data", {1, 3, 224, 224});
  x = b.relu("relu", conv_bn(b, "conv1", "bn1", x, 64, 7, 2));
  x = b.max_pool2d("maxpool", x, 3, 2, 1);
  for (int s = 0; s < 4; ++s) {
    int64_t width = int64_t{64} << s;
    for (int i = 0; i < blocks_per_stage[s]; ++i) {
      std::string prefix = "layer" + std::to_string(s + 1) + "." + std::to_string(i) + ".";
      x = block(b, prefix, x, width, s > 0 && i == 0 ? 2 : 1);
    }
  }
  x = b.flatten("flatten", b.global_avg_pool("avgpool", x));
  b.output(b.softmax("prob", b.dense("fc", x, 1000)));
  return g;
}

}  // namespace

std::unique_ptr<Graph> build_resnet18() {
  return build_resnet("resnet18", basic_block, {2, 2, 2, 2});
}

std::unique_ptr<Graph> build_resnet50() {
  return build_resnet("resnet50", bottleneck, {3, 4, 6, 3});
}

}  // namespace kiln
