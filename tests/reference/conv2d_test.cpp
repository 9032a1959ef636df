// conv2d against hand-computed cross-correlations. Most cases use the 2x2
// kernel w = [[1, 2], [3, 4]], so every tap has a distinct weight and a
// flipped kernel or a swapped padding side changes the result.
#include "ref_test_util.h"

namespace kiln::reference::testing {
namespace {

// 1 2 3 / 4 5 6 / 7 8 9
Tensor x3x3() {
  return tensor({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
}
// 1..16 row-major
Tensor x4x4() {
  std::vector<float> v(16);
  for (int i = 0; i < 16; ++i) v[static_cast<size_t>(i)] = static_cast<float>(i + 1);
  return tensor({1, 1, 4, 4}, v);
}
Tensor w1234() {
  return tensor({1, 1, 2, 2}, {1, 2, 3, 4});
}

TEST(Conv2d, SymmetricPadding) {
  // y[i,j] = x[i-1,j-1] + 2 x[i-1,j] + 3 x[i,j-1] + 4 x[i,j], zero outside.
  // Row 0: only the 3/4 taps hit row 0:  4*1=4, 3*1+4*2=11, 3*2+4*3=18, 3*3=9.
  // Row 1: (0,0): 2*1+4*4=18; (0,1): 1+4+12+20=37; 2+6+15+24=47; 3+18=21.
  // Row 2: 2*4+4*7=36; 4+10+21+32=67; 5+12+24+36=77; 6+27=33.
  // Row 3: only the 1/2 taps hit row 2: 2*7=14, 7+16=23, 8+18=26, 9.
  Tensor y = run_op("conv2d", {x3x3(), w1234()},
                    attrs({{"kernel", ints({2, 2})}, {"pad", ints({1, 1, 1, 1})}}));
  expect_tensor(y, {1, 1, 4, 4}, {4, 11, 18, 9, 18, 37, 47, 21, 36, 67, 77, 33, 14, 23, 26, 9});
}

TEST(Conv2d, AsymmetricPaddingTopRight) {
  // pad [top=1, left=0, bottom=0, right=1]: 3x3 output,
  // y[i,j] = x[i-1,j] + 2 x[i-1,j+1] + 3 x[i,j] + 4 x[i,j+1].
  // Row 0: 3*1+4*2=11, 3*2+4*3=18, 3*3=9.
  // Row 1: 1+4+12+20=37, 2+6+15+24=47, 3+18=21.
  // Row 2: 4+10+21+32=67, 5+12+24+36=77, 6+27=33.
  Tensor y = run_op("conv2d", {x3x3(), w1234()},
                    attrs({{"kernel", ints({2, 2})}, {"pad", ints({1, 0, 0, 1})}}));
  expect_tensor(y, {1, 1, 3, 3}, {11, 18, 9, 37, 47, 21, 67, 77, 33});
}

TEST(Conv2d, AsymmetricPaddingBottomLeft) {
  // pad [0, 1, 1, 0]: y[i,j] = x[i,j-1] + 2 x[i,j] + 3 x[i+1,j-1] + 4 x[i+1,j].
  // Row 0: 2*1+4*4=18, 1+4+12+20=37, 2+6+15+24=47.
  // Row 1: 2*4+4*7=36, 4+10+21+32=67, 5+12+24+36=77.
  // Row 2 (row 3 is padding): 2*7=14, 7+16=23, 8+18=26.
  Tensor y = run_op("conv2d", {x3x3(), w1234()},
                    attrs({{"kernel", ints({2, 2})}, {"pad", ints({0, 1, 1, 0})}}));
  expect_tensor(y, {1, 1, 3, 3}, {18, 37, 47, 36, 67, 77, 14, 23, 26});
}

TEST(Conv2d, Stride2) {
  // y[i,j] = x[2i,2j] + 2 x[2i,2j+1] + 3 x[2i+1,2j] + 4 x[2i+1,2j+1] on 1..16:
  // (0,0): 1+4+15+24=44  (0,1): 3+8+21+32=64
  // (1,0): 9+20+39+56=124  (1,1): 11+24+45+64=144
  Tensor y = run_op("conv2d", {x4x4(), w1234()},
                    attrs({{"kernel", ints({2, 2})}, {"stride", ints({2, 2})}}));
  expect_tensor(y, {1, 1, 2, 2}, {44, 64, 124, 144});
}

TEST(Conv2d, StrideDiffersPerAxis) {
  // stride [2, 1]: rows step 2, columns step 1. Middle column (0,1):
  // 2+2*3+3*6+4*7 = 54; (1,1): 10+2*11+3*14+4*15 = 134.
  Tensor y = run_op("conv2d", {x4x4(), w1234()},
                    attrs({{"kernel", ints({2, 2})}, {"stride", ints({2, 1})}}));
  expect_tensor(y, {1, 1, 2, 3}, {44, 54, 64, 124, 134, 144});
}

TEST(Conv2d, Dilation2) {
  // Taps 2 apart: y[i,j] = x[i,j] + 2 x[i,j+2] + 3 x[i+2,j] + 4 x[i+2,j+2].
  // (0,0): 1+6+27+44=78  (0,1): 2+8+30+48=88
  // (1,0): 5+14+39+60=118  (1,1): 6+16+42+64=128
  Tensor y = run_op("conv2d", {x4x4(), w1234()},
                    attrs({{"kernel", ints({2, 2})}, {"dilation", ints({2, 2})}}));
  expect_tensor(y, {1, 1, 2, 2}, {78, 88, 118, 128});
}

TEST(Conv2d, DilationWithPadding) {
  // dilation [1, 2], pad [0, 2, 0, 0] on the 3x3 input: 2x3 output,
  // y[i,j] = x[i,j-2] + 2 x[i,j] + 3 x[i+1,j-2] + 4 x[i+1,j].
  // Row 0: 2*1+4*4=18, 2*2+4*5=24, 1+2*3+3*4+4*6=43.
  // Row 1: 2*4+4*7=36, 2*5+4*8=42, 4+2*6+3*7+4*9=73.
  Tensor y = run_op(
      "conv2d", {x3x3(), w1234()},
      attrs({{"kernel", ints({2, 2})}, {"dilation", ints({1, 2})}, {"pad", ints({0, 2, 0, 0})}}));
  expect_tensor(y, {1, 1, 2, 3}, {18, 24, 43, 36, 42, 73});
}

TEST(Conv2d, Groups2) {
  // x channels [1, 2, 3, 4]; group 0 = channels 0,1 -> outputs 0,1; group 1 =
  // channels 2,3 -> outputs 2,3. Weights per output: [1,2], [3,4], [5,6], [7,8].
  // y = [1+4, 3+8, 15+24, 21+32] = [5, 11, 39, 53].
  Tensor x = tensor({1, 4, 1, 1}, {1, 2, 3, 4});
  Tensor w = tensor({4, 2, 1, 1}, {1, 2, 3, 4, 5, 6, 7, 8});
  Tensor y = run_op("conv2d", {x, w}, attrs({{"kernel", ints({1, 1})}, {"groups", 2}}));
  expect_tensor(y, {1, 4, 1, 1}, {5, 11, 39, 53});
}

TEST(Conv2d, Depthwise) {
  // groups = C = 2, 2x2 kernels, pad right 1: each channel sees only itself.
  // ch0 = [1 2; 3 4], w0 = [1 0; 0 1]: (0,0) 1+4=5, (0,1) 2+0=2.
  // ch1 = [5 6; 7 8], w1 = [0 1; 1 0]: (0,0) 6+7=13, (0,1) 0+8=8.
  Tensor x = tensor({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  Tensor w = tensor({2, 1, 2, 2}, {1, 0, 0, 1, 0, 1, 1, 0});
  Tensor y = run_op("conv2d", {x, w},
                    attrs({{"kernel", ints({2, 2})}, {"pad", ints({0, 0, 0, 1})}, {"groups", 2}}));
  expect_tensor(y, {1, 2, 1, 2}, {5, 2, 13, 8});
}

TEST(Conv2d, MultiChannelSum) {
  // Two input channels summed into one output: w = 1 on ch0, 10 on ch1.
  // x ch0 = [1 2; 3 4], ch1 = [5 6; 7 8]; 2x2 kernel covers everything:
  // 1*(1+2+3+4) + 10*(5+6+7+8) = 10 + 260 = 270.
  Tensor x = tensor({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  Tensor w = tensor({1, 2, 2, 2}, {1, 1, 1, 1, 10, 10, 10, 10});
  Tensor y = run_op("conv2d", {x, w}, attrs({{"kernel", ints({2, 2})}}));
  expect_tensor(y, {1, 1, 1, 1}, {270});
}

TEST(Conv2d, BiasAndBatch) {
  // 1x1 kernels: output 0 = x + 10, output 1 = -x + 20, for both batch items.
  Tensor x = tensor({2, 1, 1, 2}, {1, 2, 3, 4});
  Tensor w = tensor({2, 1, 1, 1}, {1, -1});
  Tensor b = tensor({2}, {10, 20});
  Tensor y = run_op("conv2d", {x, w, b}, attrs({{"kernel", ints({1, 1})}}));
  expect_tensor(y, {2, 2, 1, 2}, {11, 12, 19, 18, 13, 14, 17, 16});
}

TEST(Conv2d, ResidualAddedBeforeRelu) {
  // pre = -x + 0.5 + residual = [-1+0.5+1, -2+0.5+5, -3+0.5+1, -4+0.5+5]
  //     = [0.5, 3.5, -1.5, 1.5]; relu -> [0.5, 3.5, 0, 1.5]. (Adding the
  // residual after the relu would give [1, 5, 1, 5].)
  Tensor x = tensor({1, 1, 2, 2}, {1, 2, 3, 4});
  Tensor w = tensor({1, 1, 1, 1}, {-1});
  Tensor b = tensor({1}, {0.5f});
  Tensor r = tensor({1, 1, 2, 2}, {1, 5, 1, 5});
  Tensor y =
      run_op("conv2d", {x, w, b, r}, attrs({{"kernel", ints({1, 1})}, {"activation", "relu"}}));
  expect_tensor(y, {1, 1, 2, 2}, {0.5, 3.5, 0, 1.5});
}

TEST(Conv2d, ReluWithoutResidual) {
  Tensor x = tensor({1, 1, 1, 3}, {-2, 0.25f, 3});
  Tensor w = tensor({1, 1, 1, 1}, {2});
  Tensor y = run_op("conv2d", {x, w}, attrs({{"kernel", ints({1, 1})}, {"activation", "relu"}}));
  expect_tensor(y, {1, 1, 1, 3}, {0, 0.5, 6});
}

// x * 2 = [-4, 0.5, 6, 14] through each fused activation.
Tensor conv_with(AttrMap activation) {
  Tensor x = tensor({1, 1, 1, 4}, {-2, 0.25f, 3, 7});
  Tensor w = tensor({1, 1, 1, 1}, {2});
  activation.set("kernel", ints({1, 1}));
  return run_op("conv2d", {x, w}, std::move(activation));
}

TEST(Conv2d, FusedClip) {
  expect_tensor(conv_with(attrs({{"activation", "clip"}, {"min", 0.0}, {"max", 6.0}})),
                {1, 1, 1, 4}, {0, 0.5, 6, 6});
}

TEST(Conv2d, FusedLeakyRelu) {
  expect_tensor(conv_with(attrs({{"activation", "leaky_relu"}, {"alpha", 0.25}})), {1, 1, 1, 4},
                {-1, 0.5, 6, 14});
}

TEST(Conv2d, FusedSigmoidAfterResidual) {
  // -x + 0.5 + residual = [0.5, 3.5, -1.5, 1.5] as in ResidualAddedBeforeRelu, then the
  // sigmoid: 1/(1+e^-0.5) = 0.622459331202, 1/(1+e^-3.5) = 0.970687769249,
  // 1/(1+e^1.5) = 0.182425523806, 1/(1+e^-1.5) = 0.817574476194.
  Tensor x = tensor({1, 1, 2, 2}, {1, 2, 3, 4});
  Tensor w = tensor({1, 1, 1, 1}, {-1});
  Tensor b = tensor({1}, {0.5f});
  Tensor r = tensor({1, 1, 2, 2}, {1, 5, 1, 5});
  Tensor y =
      run_op("conv2d", {x, w, b, r}, attrs({{"kernel", ints({1, 1})}, {"activation", "sigmoid"}}));
  expect_tensor(y, {1, 1, 2, 2}, {0.622459331202, 0.970687769249, 0.182425523806, 0.817574476194});
}

}  // namespace
}  // namespace kiln::reference::testing
