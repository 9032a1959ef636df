// Buffers of uniform random floats in [-1, 1) for the kernel tests, reproducible from a seed.
#pragma once

#include <random>
#include <vector>

#include "Halide.h"

namespace kiln::halide {

inline Halide::Buffer<float> random_buffer(std::vector<int> extents, std::mt19937& rng) {
  Halide::Buffer<float> buf(extents);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  buf.for_each_value([&](float& v) { v = dist(rng); });
  return buf;
}

inline Halide::Buffer<float> random_buffer(std::vector<int> extents, unsigned seed) {
  std::mt19937 rng(seed);
  return random_buffer(std::move(extents), rng);
}

}  // namespace kiln::halide
