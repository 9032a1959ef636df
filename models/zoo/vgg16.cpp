// VGG-16 (configuration D): five stages of 3x3 convolutions, each followed by
// a 2x2 max pool, then three dense layers.
#include "ir/builder.h"
#include "models/zoo.h"

namespace kiln {

std::unique_ptr<Graph> build_vgg16() {
  auto g = std::make_unique<Graph>("vgg16");
  GraphBuilder b(*g);
  Node* x = b.input("data", {1, 3, 224, 224});
  struct Stage {
    int64_t channels;
    int convs;
  };
  const Stage stages[] = {{64, 2}, {128, 2}, {256, 3}, {512, 3}, {512, 3}};
  for (int s = 0; s < 5; ++s) {
    for (int c = 1; c <= stages[s].convs; ++c) {
      std::string id = std::to_string(s + 1) + "_" + std::to_string(c);
      x = b.relu("relu" + id, b.conv2d("conv" + id, x, stages[s].channels, 3, 1, 1));
    }
    x = b.max_pool2d("pool" + std::to_string(s + 1), x, 2, 2);
  }
  x = b.flatten("flatten", x);
  x = b.dropout("drop6", b.relu("relu6", b.dense("fc6", x, 4096)), 0.5);
  x = b.dropout("drop7", b.relu("relu7", b.dense("fc7", x, 4096)), 0.5);
  b.output(b.softmax("prob", b.dense("fc8", x, 1000)));
  return g;
}

}  // namespace kiln
