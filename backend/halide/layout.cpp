#include "backend/halide/layout.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace kiln::halide {
namespace {

// Raw-pointer helpers index dense row-major memory; make a buffer satisfy that.
Halide::Buffer<float> dense_from_zero(const Halide::Buffer<float>& buf, int dims,
                                      const char* what) {
  if (!buf.defined() || buf.dimensions() != dims) {
    throw std::invalid_argument(std::string(what) + ": expected a " + std::to_string(dims) +
                                "-D buffer");
  }
  bool dense = true;
  std::ptrdiff_t stride = 1;
  for (int d = 0; d < dims; ++d) {
    dense = dense && buf.dim(d).stride() == stride;
    stride *= buf.dim(d).extent();
  }
  Halide::Buffer<float> out = dense ? buf : buf.copy();
  for (int d = 0; d < dims; ++d) out.translate(d, -out.dim(d).min());
  return out;
}

}  // namespace

int channel_block(const Halide::Target& target) {
  const bool avx512 = target.has_feature(Halide::Target::AVX512) ||
                      target.has_feature(Halide::Target::AVX512_Skylake);
  return avx512 ? 16 : 8;
}

std::size_t blocked_size(int n, int c, int h, int w, int block) {
  return std::size_t(n) * ceil_div(c, block) * h * w * block;
}

std::size_t packed_weights_size(int k, int c_per_group, int kh, int kw, int block) {
  return std::size_t(ceil_div(k, block)) * kh * kw * c_per_group * block;
}

void nchw_to_blocked(const float* src, int n, int c, int h, int w, int block, float* dst) {
  const int cb = ceil_div(c, block);
  const std::size_t plane = std::size_t(h) * w;
  std::fill(dst, dst + blocked_size(n, c, h, w, block), 0.0f);
  for (int in = 0; in < n; ++in) {
    for (int ic = 0; ic < c; ++ic) {
      const float* s = src + (std::size_t(in) * c + ic) * plane;
      float* d = dst + (std::size_t(in) * cb + ic / block) * plane * block + ic % block;
      for (std::size_t p = 0; p < plane; ++p) d[p * block] = s[p];
    }
  }
}

void blocked_to_nchw(const float* src, int n, int c, int h, int w, int block, float* dst) {
  const int cb = ceil_div(c, block);
  const std::size_t plane = std::size_t(h) * w;
  for (int in = 0; in < n; ++in) {
    for (int ic = 0; ic < c; ++ic) {
      const float* s = src + (std::size_t(in) * cb + ic / block) * plane * block + ic % block;
      float* d = dst + (std::size_t(in) * c + ic) * plane;
      for (std::size_t p = 0; p < plane; ++p) d[p] = s[p * block];
    }
  }
}

void repack_weights_oihw(const float* src, int k, int c_per_group, int kh, int kw, int block,
                         float* dst) {
  std::fill(dst, dst + packed_weights_size(k, c_per_group, kh, kw, block), 0.0f);
  for (int ok = 0; ok < k; ++ok) {
    for (int ic = 0; ic < c_per_group; ++ic) {
      for (int ky = 0; ky < kh; ++ky) {
        for (int kx = 0; kx < kw; ++kx) {
          const float v = src[((std::size_t(ok) * c_per_group + ic) * kh + ky) * kw + kx];
          const std::size_t row =
              ((std::size_t(ok / block) * kh + ky) * kw + kx) * c_per_group + ic;
          dst[row * block + ok % block] = v;
        }
      }
    }
  }
}

Halide::Buffer<float> make_blocked(int n, int c, int h, int w, int block) {
  Halide::Buffer<float> buf(block, w, h, ceil_div(c, block), n);
  buf.fill(0.0f);
  return buf;
}

Halide::Buffer<float> nchw_to_blocked(const Halide::Buffer<float>& nchw, int block) {
  Halide::Buffer<float> src = dense_from_zero(nchw, 4, "nchw_to_blocked");
  const int w = src.dim(0).extent(), h = src.dim(1).extent();
  const int c = src.dim(2).extent(), n = src.dim(3).extent();
  Halide::Buffer<float> dst(block, w, h, ceil_div(c, block), n);
  nchw_to_blocked(src.data(), n, c, h, w, block, dst.data());
  return dst;
}

Halide::Buffer<float> blocked_to_nchw(const Halide::Buffer<float>& blocked, int channels) {
  Halide::Buffer<float> src = dense_from_zero(blocked, 5, "blocked_to_nchw");
  const int block = src.dim(0).extent(), w = src.dim(1).extent(), h = src.dim(2).extent();
  const int n = src.dim(4).extent();
  if (ceil_div(channels, block) != src.dim(3).extent()) {
    throw std::invalid_argument("blocked_to_nchw: channel count does not match the blocks");
  }
  Halide::Buffer<float> dst(w, h, channels, n);
  blocked_to_nchw(src.data(), n, channels, h, w, block, dst.data());
  return dst;
}

Halide::Buffer<float> repack_weights_oihw(const Halide::Buffer<float>& oihw, int block) {
  Halide::Buffer<float> src = dense_from_zero(oihw, 4, "repack_weights_oihw");
  const int kw = src.dim(0).extent(), kh = src.dim(1).extent();
  const int cg = src.dim(2).extent(), k = src.dim(3).extent();
  Halide::Buffer<float> dst(block, cg, kw, kh, ceil_div(k, block));
  repack_weights_oihw(src.data(), k, cg, kh, kw, block, dst.data());
  return dst;
}

Halide::Buffer<float> pack_bias(const float* bias, int k, int block) {
  Halide::Buffer<float> dst(ceil_div(k, block) * block);
  dst.fill(0.0f);
  std::copy(bias, bias + k, dst.data());
  return dst;
}

}  // namespace kiln::halide
