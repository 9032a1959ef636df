// Small handwritten models for the driver tests: fast enough to run in every
// test, and small enough that expected values can be worked out by hand.
#pragma once

namespace kiln::testing {

// x [1, 3] -> dense (2 features) -> relu. With x = [1, 2, 3],
// weight = [[1, 0, -1], [0.5, 0.5, 0.5]] and bias = [0.5, 1]:
// fc = [1 - 3 + 0.5, 3 + 1] = [-1.5, 4] and r = [0, 4].
inline constexpr const char* kTinyDense = R"(graph @tiny {
  %x = input() : f32[1,3]
  %fc.weight = weight() : f32[2,3]
  %fc.bias = weight() : f32[2]
  %fc = dense(%x, %fc.weight, %fc.bias) : f32[1,2]
  %r = relu(%fc) : f32[1,2]
  output %r
  output aux %fc
}
)";

// README's example: one 7x7/2 conv and a relu on an ImageNet-sized input, a single input whose
// batch or height can be pushed past the backend's limits.
inline constexpr const char* kTinyConv = R"(graph @tiny {
  %data = input() : f32[1,3,224,224]
  %conv1.weight = weight() : f32[64,3,7,7]
  %conv1 = conv2d(%data, %conv1.weight) {kernel = [7, 7], stride = [2, 2], pad = [3, 3, 3, 3]} : f32[1,64,112,112]
  %relu1 = relu(%conv1) : f32[1,64,112,112]
  output %relu1
}
)";

// A residual block and a 10-class head: -O folds the batch norm, fuses
// conv2d+relu and conv2d+add+relu, and strips the aux output %fc.
inline constexpr const char* kSmallNet = R"(graph @smallnet {
  %data = input() : f32[1,2,6,6]
  %conv1.weight = weight() : f32[4,2,3,3]
  %conv1.bias = weight() : f32[4]
  %conv1 = conv2d(%data, %conv1.weight, %conv1.bias) {kernel = [3, 3], pad = [1, 1, 1, 1]} : f32[1,4,6,6]
  %bn1.scale = weight() : f32[4]
  %bn1.bias = weight() : f32[4]
  %bn1.mean = weight() : f32[4]
  %bn1.variance = weight() : f32[4]
  %bn1 = batch_norm(%conv1, %bn1.scale, %bn1.bias, %bn1.mean, %bn1.variance) : f32[1,4,6,6]
  %relu1 = relu(%bn1) : f32[1,4,6,6]
  %conv2.weight = weight() : f32[4,4,3,3]
  %conv2.bias = weight() : f32[4]
  %conv2 = conv2d(%relu1, %conv2.weight, %conv2.bias) {kernel = [3, 3], pad = [1, 1, 1, 1]} : f32[1,4,6,6]
  %sum = add(%conv2, %relu1) : f32[1,4,6,6]
  %relu2 = relu(%sum) : f32[1,4,6,6]
  %pool = global_avg_pool(%relu2) : f32[1,4,1,1]
  %flat = flatten(%pool) : f32[1,4]
  %fc.weight = weight() : f32[10,4]
  %fc.bias = weight() : f32[10]
  %fc = dense(%flat, %fc.weight, %fc.bias) : f32[1,10]
  %prob = softmax(%fc) : f32[1,10]
  output %prob
  output aux %fc
}
)";

}  // namespace kiln::testing
