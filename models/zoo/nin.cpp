// Network in Network, ImageNet model (Caffe model zoo, nin_imagenet): each
// mlpconv block is a spatial convolution followed by two 1x1 convolutions
// ("cccp" layers in Caffe), all with ReLU. The classifier is the last block
// itself: 1000 channels averaged over space, no dense layer.
#include "ir/builder.h"
#include "models/zoo.h"

namespace kiln {

namespace {

struct MlpConv {
  int64_t channels, out_channels, kernel, stride, pad;
};

// Caffe numbers the ReLUs and 1x1 layers across the whole net; the block index
// keeps names unique without copying that numbering.
Node* mlpconv(GraphBuilder& b, int block, Node* x, const MlpConv& m) {
  std::string id = std::to_string(block);
  std::string cccp_a = "cccp" + std::to_string(2 * block - 1);
  std::string cccp_b = "cccp" + std::to_string(2 * block);
  x = b.relu("conv" + id + ".relu",
             b.conv2d("conv" + id, x, m.channels, m.kernel, m.stride, m.pad));
  x = b.relu(cccp_a + ".relu", b.conv2d(cccp_a, x, m.channels, 1));
  return b.relu(cccp_b + ".relu", b.conv2d(cccp_b, x, m.out_channels, 1));
}

}  // namespace

std::unique_ptr<Graph> build_nin() {
  auto g = std::make_unique<Graph>("nin");
  GraphBuilder b(*g);
  Node* x = b.input("data", {1, 3, 224, 224});
  x = b.max_pool2d("pool1", mlpconv(b, 1, x, {96, 96, 11, 4, 0}), 3, 2, 0, /*ceil_mode=*/true);
  x = b.max_pool2d("pool2", mlpconv(b, 2, x, {256, 256, 5, 1, 2}), 3, 2, 0, true);
  x = b.max_pool2d("pool3", mlpconv(b, 3, x, {384, 384, 3, 1, 1}), 3, 2, 0, true);
  x = b.dropout("drop", x, 0.5);
  x = b.global_avg_pool("pool4", mlpconv(b, 4, x, {1024, 1000, 3, 1, 1}));
  b.output(b.softmax("prob", b.flatten("logits", x)));
  return g;
}

}  // namespace kiln
