// AlexNet as Caffe's bvlc_alexnet: the two-GPU split survives as groups = 2 in
// conv2, conv4 and conv5.
#include "ir/builder.h"
#include "models/zoo.h"

namespace kiln {

std::unique_ptr<Graph> build_alexnet() {
  auto g = std::make_unique<Graph>("alexnet");
  GraphBuilder b(*g);
  Node* x = b.input("data", {1, 3, 224, 224});
  // Caffe: local_size 5, alpha 1e-4, beta 0.75, k 1 (alpha divided by size).
  auto norm = [&](const std::string& name, Node* in) {
    return b.lrn(name, in, 5, 1e-4, 0.75, 1.0);
  };

  x = b.relu("relu1", b.conv2d("conv1", x, 96, 11, 4, 2));
  x = b.max_pool2d("pool1", norm("norm1", x), 3, 2);
  x = b.relu("relu2", b.conv2d("conv2", x, 256, 5, 1, 2, /*groups=*/2));
  x = b.max_pool2d("pool2", norm("norm2", x), 3, 2);
  x = b.relu("relu3", b.conv2d("conv3", x, 384, 3, 1, 1));
  x = b.relu("relu4", b.conv2d("conv4", x, 384, 3, 1, 1, /*groups=*/2));
  x = b.relu("relu5", b.conv2d("conv5", x, 256, 3, 1, 1, /*groups=*/2));
  x = b.flatten("flatten", b.max_pool2d("pool5", x, 3, 2));
  x = b.dropout("drop6", b.relu("relu6", b.dense("fc6", x, 4096)), 0.5);
  x = b.dropout("drop7", b.relu("relu7", b.dense("fc7", x, 4096)), 0.5);
  b.output(b.softmax("prob", b.dense("fc8", x, 1000)));
  return g;
}

}  // namespace kiln
