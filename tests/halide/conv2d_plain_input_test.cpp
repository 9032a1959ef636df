// Conv2d kernels reading a plain NCHW input (Conv2dSpec::plain_input, for image stems) compute
// what the same kernels compute from the blocked copy of that input.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "backend/halide/conv2d_kernel.h"
#include "backend/halide/layout.h"
#include "tests/halide/random_buffer.h"

namespace kiln::halide {
namespace {

struct StemCase {
  std::string name;
  int c, hw, k, window, stride, pad;
};

Conv2dSpec stem_spec(const StemCase& c) {
  Conv2dSpec s;
  s.c = c.c;
  s.h = s.w = c.hw;
  s.k = c.k;
  s.kh = s.kw = c.window;
  s.sh = s.sw = c.stride;
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = c.pad;
  s.has_bias = true;
  s.activation = Activation::kRelu;
  return s;
}

class PlainInputTest : public ::testing::TestWithParam<StemCase> {};

TEST_P(PlainInputTest, MatchesTheBlockedInputKernel) {
  Conv2dSpec blocked_spec = stem_spec(GetParam());
  Conv2dSpec plain_spec = blocked_spec;
  plain_spec.plain_input = true;
  Conv2dKernel blocked(blocked_spec), plain(plain_spec);
  const int V = blocked.block(), s_hw = blocked_spec.h;
  const Halide::Buffer<float> nchw = random_buffer({s_hw, s_hw, blocked_spec.c, 1}, 1);
  const Halide::Buffer<float> weights = random_buffer(
      {V, blocked_spec.c, blocked_spec.kw, blocked_spec.kh, ceil_div(blocked_spec.k, V)}, 2);
  const Halide::Buffer<float> bias = random_buffer({ceil_div(blocked_spec.k, V) * V}, 3);
  Halide::Buffer<float> want = blocked.make_output(), got = plain.make_output();
  blocked.run({.input = nchw_to_blocked(nchw, V), .weights = weights, .bias = bias, .residual = {}},
              want);
  plain.run({.input = nchw, .weights = weights, .bias = bias, .residual = {}}, got);
  int mismatches = 0;
  want.for_each_element([&](int v, int x, int y, int kb, int n) {
    // The same sums in the same order: equal to the last bit.
    if (got(v, x, y, kb, n) != want(v, x, y, kb, n) && mismatches++ < 5) {
      ADD_FAILURE() << "at lane " << v << ", x " << x << ", y " << y << ", block " << kb << ": "
                    << got(v, x, y, kb, n) << " vs " << want(v, x, y, kb, n);
    }
  });
  EXPECT_EQ(mismatches, 0);
  EXPECT_NE(plain_spec.to_string(), blocked_spec.to_string()) << "distinct cache keys";
}

INSTANTIATE_TEST_SUITE_P(Stems, PlainInputTest,
                         ::testing::Values(StemCase{"resnet_7x7_s2", 3, 40, 64, 7, 2, 3},
                                           StemCase{"alexnet_11x11_s4", 3, 51, 64, 11, 4, 2},
                                           StemCase{"vgg_3x3", 3, 24, 64, 3, 1, 1},
                                           StemCase{"one_channel_5x5", 1, 20, 20, 5, 1, 0}),
                         [](const auto& info) { return info.param.name; });

TEST(PlainInput, NeedsOneGroup) {
  Conv2dSpec s = stem_spec({"grouped", 4, 16, 4, 3, 1, 1});
  s.groups = 2;
  s.plain_input = true;
  EXPECT_THROW(validate(s), std::invalid_argument);
}

}  // namespace
}  // namespace kiln::halide
