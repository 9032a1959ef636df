// GoogLeNet (Inception v1) as Caffe's bvlc_googlenet. Caffe rounds pooling
// output sizes up, so every max pool is in ceil mode (the stem's too: that is
// what makes 112 -> 56 -> 28 -> 14 -> 7).
#include "ir/builder.h"
#include "models/zoo.h"

namespace kiln {

namespace {

// Output channels of the four branches: 1x1; 1x1 reduce then 3x3; 1x1 reduce
// then 5x5; 3x3 max pool then 1x1 projection (Szegedy et al., table 1).
struct Inception {
  const char* name;
  int64_t c1x1, c3x3_reduce, c3x3, c5x5_reduce, c5x5, pool_proj;
};

Node* conv_relu(GraphBuilder& b, const std::string& name, Node* x, int64_t channels, int64_t kernel,
                int64_t stride = 1) {
  return b.relu(name + ".relu", b.conv2d(name, x, channels, kernel, stride, kernel / 2));
}

Node* inception(GraphBuilder& b, Node* x, const Inception& m) {
  std::string p = std::string("inception_") + m.name + ".";
  Node* branch1 = conv_relu(b, p + "1x1", x, m.c1x1, 1);
  Node* branch2 =
      conv_relu(b, p + "3x3", conv_relu(b, p + "3x3_reduce", x, m.c3x3_reduce, 1), m.c3x3, 3);
  Node* branch3 =
      conv_relu(b, p + "5x5", conv_relu(b, p + "5x5_reduce", x, m.c5x5_reduce, 1), m.c5x5, 5);
  Node* branch4 =
      conv_relu(b, p + "pool_proj", b.max_pool2d(p + "pool", x, 3, 1, 1, true), m.pool_proj, 1);
  return b.concat(p + "output", {branch1, branch2, branch3, branch4});
}

// Auxiliary classifier; returns logits (the training loss applied softmax).
Node* aux_head(GraphBuilder& b, const std::string& name, Node* x) {
  x = b.avg_pool2d(name + ".pool", x, 5, 3);
  x = b.flatten(name + ".flatten", conv_relu(b, name + ".conv", x, 128, 1));
  x = b.relu(name + ".fc1.relu", b.dense(name + ".fc1", x, 1024));
  return b.dense(name + ".fc", b.dropout(name + ".drop", x, 0.7), 1000);
}

}  // namespace

std::unique_ptr<Graph> build_googlenet() {
  auto g = std::make_unique<Graph>("googlenet");
  GraphBuilder b(*g);
  Node* x = b.input("data", {1, 3, 224, 224});
  auto norm = [&](const std::string& name, Node* in) {
    return b.lrn(name, in, 5, 1e-4, 0.75, 1.0);
  };
  auto pool = [&](const std::string& name, Node* in) {
    return b.max_pool2d(name, in, 3, 2, 0, true);
  };

  x = norm("norm1", pool("pool1", conv_relu(b, "conv1", x, 64, 7, 2)));
  x = conv_relu(b, "conv2", conv_relu(b, "conv2_reduce", x, 64, 1), 192, 3);
  x = pool("pool2", norm("norm2", x));
  x = inception(b, x, {"3a", 64, 96, 128, 16, 32, 32});
  x = inception(b, x, {"3b", 128, 128, 192, 32, 96, 64});
  x = pool("pool3", x);
  x = inception(b, x, {"4a", 192, 96, 208, 16, 48, 64});
  Node* aux1 = aux_head(b, "aux1", x);
  x = inception(b, x, {"4b", 160, 112, 224, 24, 64, 64});
  x = inception(b, x, {"4c", 128, 128, 256, 24, 64, 64});
  x = inception(b, x, {"4d", 112, 144, 288, 32, 64, 64});
  Node* aux2 = aux_head(b, "aux2", x);
  x = inception(b, x, {"4e", 256, 160, 320, 32, 128, 128});
  x = pool("pool4", x);
  x = inception(b, x, {"5a", 256, 160, 320, 32, 128, 128});
  x = inception(b, x, {"5b", 384, 192, 384, 48, 128, 128});
  x = b.flatten("flatten", b.dropout("drop", b.global_avg_pool("pool5", x), 0.4));
  b.output(b.softmax("prob", b.dense("fc", x, 1000)));
  b.output(aux1, OutputRole::aux);
  b.output(aux2, OutputRole::aux);
  return g;
}

}  // namespace kiln
