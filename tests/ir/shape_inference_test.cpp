// Shape inference rules that later stages rely on, including the edge cases
// of windowed ops.
#include <gtest/gtest.h>

#include "frontend/parser.h"
#include "ir/attribute.h"
#include "ir/ops/op_helpers.h"

namespace kiln {
namespace {

using ops::window_output_size;

TEST(ShapeInference, WindowSizes) {
  // AlexNet conv1 at 224 with pad 2: (224 + 4 - 11) / 4 + 1 = 55.
  EXPECT_EQ(window_output_size(224, 11, 4, 2, 2, 1, false), 55);
  // Overlapping 3x3/2 pool: 55 -> 27.
  EXPECT_EQ(window_output_size(55, 3, 2, 0, 0, 1, false), 27);
  // GoogLeNet's ceil-mode pools: 112 -> 56, 28 -> 14.
  EXPECT_EQ(window_output_size(112, 3, 2, 0, 0, 1, true), 56);
  EXPECT_EQ(window_output_size(28, 3, 2, 0, 0, 1, true), 14);
  EXPECT_EQ(window_output_size(28, 3, 2, 0, 0, 1, false), 13);
  // Dilation 2 turns a 3x3 into a 5x5 footprint.
  EXPECT_EQ(window_output_size(7, 3, 1, 0, 0, 2, false), 3);
  // Ceil mode would start the last window in the bottom padding: dropped.
  // in 5, k 2, s 2, pad 1/1: floor -> 3, ceil -> 4, but window 4 starts at
  // 6 >= 5 + 1, so 3.
  EXPECT_EQ(window_output_size(5, 2, 2, 1, 1, 1, true), 3);
  EXPECT_EQ(window_output_size(2, 3, 1, 0, 0, 1, false), 0);
}

TEST(ShapeInference, FloatsPrintShortestAndReadBack) {
  EXPECT_EQ(format_float(1.0), "1.0");
  EXPECT_EQ(format_float(1e-5), "1e-05");
  EXPECT_EQ(format_float(0.75), "0.75");
  EXPECT_EQ(format_float(-2.0), "-2.0");
  EXPECT_EQ(format_float(1e20), "1e+20");
  EXPECT_EQ(format_float(0.1f), "0.10000000149011612");
}

std::string infer_error(const std::string& body) {
  try {
    parse_graph("graph @t {\n  %x = input() : f32[1,6,8,8]\n" + body + "}\n", "t.kir");
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ShapeInference, ConcatChecksTheOtherAxes) {
  EXPECT_EQ(
      infer_error("  %p = max_pool2d(%x) {kernel = [2, 2], stride = [2, 2]} : f32[1,6,4,4]\n"
                  "  %c = concat(%x, %p) : f32[1,12,8,8]\n  output %c\n"),
      "t.kir:4:3: error: %c: operand %p f32[1,6,4,4] differs from f32[1,6,8,8] outside axis 1");
}

TEST(ShapeInference, GroupsMustDivideChannels) {
  EXPECT_EQ(infer_error("  %w = weight() : f32[4,2,1,1]\n"
                        "  %c = conv2d(%x, %w) {kernel = [1, 1], groups = 4} : f32[1,4,8,8]\n"
                        "  output %c\n"),
            "t.kir:4:3: error: %c: input channels 6 not divisible by groups 4");
}

TEST(ShapeInference, PoolPaddingMustBeSmallerThanTheKernel) {
  EXPECT_EQ(
      infer_error("  %p = max_pool2d(%x) {kernel = [2, 2], pad = [2, 0, 0, 0]} : f32[1,6,9,7]\n"
                  "  output %p\n"),
      "t.kir:3:3: error: %p: padding [2, 0, 0, 0] must be smaller than the kernel [2, 2]");
}

TEST(ShapeInference, AddBroadcasts) {
  EXPECT_EQ(infer_error("  %b = weight() : f32[6,1,1]\n  %s = add(%x, %b) : f32[1,6,8,8]\n"
                        "  output %s\n"),
            "(no error)");
  EXPECT_EQ(infer_error("  %b = weight() : f32[5,1,1]\n  %s = add(%x, %b) : f32[1,6,8,8]\n"
                        "  output %s\n"),
            "t.kir:4:3: error: %s: operands f32[1,6,8,8] and f32[5,1,1] do not broadcast");
}

TEST(ShapeInference, ReshapeAndFlatten) {
  EXPECT_EQ(infer_error("  %r = reshape(%x) {shape = [0, 2, -1]} : f32[1,2,192]\n  output %r\n"),
            "(no error)");
  EXPECT_EQ(infer_error("  %r = reshape(%x) {shape = [-1, -1]} : f32[1,384]\n  output %r\n"),
            "t.kir:3:3: error: %r: shape [-1, -1] has more than one -1");
  EXPECT_EQ(infer_error("  %f = flatten(%x) {axis = 2} : f32[6,64]\n  output %f\n"), "(no error)");
}

// The product of the other entries used to wrap to 0 (a division by zero,
// SIGFPE) or to a divisor of the input (a wrong shape).
TEST(ShapeInference, ReshapeEntriesWhoseProductOverflows) {
  EXPECT_EQ(infer_error("  %r = reshape(%x) {shape = [4294967296, 4294967296, -1]} : f32[1,1,1]\n"
                        "  output %r\n"),
            "t.kir:3:3: error: %r: cannot reshape f32[1,6,8,8] to [4294967296, 4294967296, -1]");
  EXPECT_EQ(
      infer_error("  %r = reshape(%x) {shape = [0, 4611686018427387904, 4, -1]} : f32[1,1,1,1]\n"
                  "  output %r\n"),
      "t.kir:3:3: error: %r: cannot reshape f32[1,6,8,8] to [0, 4611686018427387904, 4, -1]");
  // 3 * 6148914691236517206 wraps to 2, which divides 384.
  EXPECT_EQ(infer_error("  %r = reshape(%x) {shape = [3, 6148914691236517206, -1]} : f32[1,1,1]\n"
                        "  output %r\n"),
            "t.kir:3:3: error: %r: cannot reshape f32[1,6,8,8] to [3, 6148914691236517206, -1]");
  EXPECT_EQ(infer_error("  %r = reshape(%x) {shape = [4294967296, 4294967296, 384]} : f32[1,1,1]\n"
                        "  output %r\n"),
            "t.kir:3:3: error: %r: cannot reshape f32[1,6,8,8] (384 elements) to "
            "f32[4294967296,4294967296,384]");
}

TEST(ShapeInference, ElementCountsThatOverflowAreNotCounts) {
  EXPECT_EQ(checked_element_count({2, 3, 4}), 24);
  EXPECT_EQ(checked_element_count({}), 1);
  EXPECT_EQ(checked_element_count({int64_t{1} << 32, int64_t{1} << 32, 1, 1}), std::nullopt);
  // 2^61 elements fit in int64, their 2^63 bytes do not.
  EXPECT_EQ(checked_element_count({int64_t{1} << 61}), std::nullopt);
  EXPECT_EQ(checked_element_count({int64_t{1} << 60}), int64_t{1} << 60);
  EXPECT_THROW(TensorType({1, 2147483647, 2147483647, 2147483647}).num_elements(), Error);
}

// Inferred types pass the same size check as declared ones: two inputs that
// each fit concatenate to one that does not.
TEST(ShapeInference, InferredTypesWhoseSizeOverflowsAreErrors) {
  EXPECT_EQ(infer_error("  %a = input() : f32[1,1073741824,1073741824,1]\n"
                        "  %c = concat(%a, %a) : f32[1,1,1,1]\n  output %c\n"),
            "t.kir:4:3: error: %c: type f32[1,2147483648,1073741824,1] is too large: its size in "
            "bytes overflows 64 bits");
}

TEST(ShapeInference, UnknownActivation) {
  EXPECT_EQ(
      infer_error("  %w = weight() : f32[6,6,1,1]\n"
                  "  %c = conv2d(%x, %w) {kernel = [1, 1], activation = \"gelu\"} : f32[1,6,8,8]\n"
                  "  output %c\n"),
      "t.kir:4:3: error: %c: unknown activation \"gelu\" (known: \"none\", \"relu\", "
      "\"clip\", \"leaky_relu\", \"sigmoid\")");
}

// A fused activation's parameters are there exactly when it uses them.
TEST(ShapeInference, FusedActivationParameters) {
  auto conv = [](const std::string& attrs) {
    return infer_error("  %w = weight() : f32[6,6,1,1]\n  %c = conv2d(%x, %w) {kernel = [1, 1], " +
                       attrs + "} : f32[1,6,8,8]\n  output %c\n");
  };
  EXPECT_EQ(conv("activation = \"clip\", min = 0.0, max = 6.0"), "(no error)");
  EXPECT_EQ(conv("activation = \"clip\", min = 0.0"),
            "t.kir:4:3: error: %c: activation \"clip\" needs attribute 'max'");
  EXPECT_EQ(conv("activation = \"relu\", alpha = 0.1"),
            "t.kir:4:3: error: %c: attribute 'alpha' only applies with activation "
            "\"leaky_relu\", not \"relu\"");
  EXPECT_EQ(conv("min = 0.0, max = 6.0"),
            "t.kir:4:3: error: %c: attribute 'min' only applies with activation \"clip\", not "
            "\"none\"");
  EXPECT_EQ(conv("activation = \"leaky_relu\", alpha = inf"),
            "t.kir:4:3: error: %c: alpha must be finite, got inf");
  EXPECT_EQ(conv("activation = \"clip\", min = nan, max = 1.0"),
            "t.kir:4:3: error: %c: clip bounds must be numbers, got min = nan, max = 1.0");
}

TEST(ShapeInference, ActivationOps) {
  EXPECT_EQ(infer_error("  %a = clip(%x) {min = 0.0, max = 6.0} : f32[1,6,8,8]\n"
                        "  %b = leaky_relu(%a) {alpha = 0.1} : f32[1,6,8,8]\n"
                        "  %c = sigmoid(%b) : f32[1,6,8,8]\n  output %c\n"),
            "(no error)");
  EXPECT_EQ(infer_error("  %a = clip(%x) {max = 6.0} : f32[1,6,8,8]\n  output %a\n"),
            "t.kir:3:3: error: %a: clip needs attribute 'min' (float)");
  EXPECT_EQ(infer_error("  %a = clip(%x) {min = nan, max = 6.0} : f32[1,6,8,8]\n  output %a\n"),
            "t.kir:3:3: error: %a: clip bounds must be numbers, got min = nan, max = 6.0");
  EXPECT_EQ(infer_error("  %a = sigmoid(%x) : f32[1,6,8,9]\n  output %a\n"),
            "t.kir:3:3: error: %a: declared type f32[1,6,8,9] but sigmoid gives f32[1,6,8,8]");
}

// Outside bias > 0, alpha >= 0 the base of LRN's power can reach zero or go
// negative on some data: inf or NaN at run time.
TEST(ShapeInference, LrnParametersKeepTheBasePositive) {
  auto lrn = [](const std::string& attrs) {
    return infer_error("  %n = lrn(%x) {size = 5" + attrs + "} : f32[1,6,8,8]\n  output %n\n");
  };
  EXPECT_EQ(lrn(""), "(no error)");
  EXPECT_EQ(lrn(", alpha = 0.0002, beta = 0.75, bias = 2.0"), "(no error)");
  EXPECT_EQ(lrn(", bias = -1.0, beta = 0.5"), "t.kir:3:3: error: %n: bias must be > 0, got -1.0");
  EXPECT_EQ(lrn(", bias = 0.0"), "t.kir:3:3: error: %n: bias must be > 0, got 0.0");
  EXPECT_EQ(lrn(", alpha = -0.001"), "t.kir:3:3: error: %n: alpha must be >= 0, got -0.001");
  EXPECT_EQ(lrn(", beta = nan"),
            "t.kir:3:3: error: %n: alpha, beta and bias must be finite, got alpha = 1e-04, beta "
            "= nan, bias = 1.0");
}

TEST(ShapeInference, ConstantValueCountMatchesItsType) {
  EXPECT_EQ(infer_error("  %k = constant() {value = [1.0, 2.0]} : f32[3]\n  output %k\n"),
            "t.kir:3:3: error: %k: constant has 2 values but its type f32[3] holds 3");
}

}  // namespace
}  // namespace kiln
