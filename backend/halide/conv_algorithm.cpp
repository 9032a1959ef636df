#include "backend/halide/conv_algorithm.h"

#include <array>

#include "backend/halide/layout.h"
#include "backend/halide/winograd_conv2d_kernel.h"
#include "ir/error.h"

namespace kiln::halide {
namespace {

constexpr std::array<ConvAlgorithm, 3> kAlgorithms = {
    ConvAlgorithm::automatic, ConvAlgorithm::direct, ConvAlgorithm::winograd};

// F(4x4, 3x3) everywhere. Measured with bench_conv (docs/benchmarks.md), one thread, against
// the direct kernel in the same run: on ResNet's 56x56 and 28x28 layers F(4x4) ran 2.2-2.7x
// faster than direct, F(2x2) 1.7-1.9x and F(6x6) 1.5-2.2x (F(6x6)'s 8x8 tiles waste more of
// 28- and 14-wide images and its transformed weights are 7x the direct ones, 1.8x F(4x4)'s). Its
// error, ~6e-6 of the output scale, is within 2x of F(6x6)'s and 6x F(2x2)'s (see
// winograd_conv2d_kernel_test.cpp): far below what float models notice.
constexpr int kTile = 4;

// Auto picks Winograd only where it was measured faster (one thread, same run, F(4x4)):
//  - at least 16 tiles per image (>= 13x13 outputs): 14x14 layers ran 1.2-1.3x faster, 7x7
//    layers (4 tiles) 0.75-0.9x: the GEMM then reuses each transformed weight vector for too
//    few tiles and the 4x larger transformed weights stream from memory;
//  - at least 32 input and output channels: with VGG's RGB stem (C = 3) the transforms dominate
//    the short GEMM and Winograd ran at 0.55-1.0x.
// AVX2 (measured on 8 of the layers) showed the same pattern, so the rule is ISA-independent.
bool winograd_expected_faster(const Conv2dSpec& s) {
  const int tiles = ceil_div(s.out_h(), kTile) * ceil_div(s.out_w(), kTile);
  return tiles >= 16 && s.c >= 32 && s.k >= 32;
}

}  // namespace

const char* conv_algorithm_name(ConvAlgorithm a) {
  switch (a) {
    case ConvAlgorithm::automatic:
      return "auto";
    case ConvAlgorithm::direct:
      return "direct";
    case ConvAlgorithm::winograd:
      return "winograd";
  }
  return "?";
}

const std::vector<std::string>& conv_algorithm_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all;
    for (ConvAlgorithm a : kAlgorithms) all.push_back(conv_algorithm_name(a));
    return all;
  }();
  return names;
}

ConvAlgorithm parse_conv_algorithm(const std::string& name) {
  for (ConvAlgorithm a : kAlgorithms)
    if (name == conv_algorithm_name(a)) return a;
  std::string known;
  for (const std::string& n : conv_algorithm_names()) known += (known.empty() ? "" : ", ") + n;
  throw Error("unknown conv algorithm '" + name + "' (" + known + ")");
}

ConvChoice choose_conv_algorithm(const Conv2dSpec& spec, ConvAlgorithm requested,
                                 Scheduler scheduler) {
  if (requested == ConvAlgorithm::direct || !winograd_ineligibility(spec).empty()) return {};
  if (requested == ConvAlgorithm::automatic &&
      (scheduler != Scheduler::hand || !winograd_expected_faster(spec)))
    return {};
  return {true, kTile};
}

}  // namespace kiln::halide
