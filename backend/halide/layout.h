// Tensor layouts at the boundary of Kiln's Halide conv kernels, and the conversions from the
// graph IR's plain layouts (activations NCHW, weights OIHW = [K][C/groups][kh][kw]).
//
// Blocked activations ("NCHW<V>c"): row-major [N][ceil(C/V)][H][W][V], V = channel_block().
// Channel c of pixel (y, x) lives at block c / V, lane c % V, so one pixel's V channels form one
// SIMD vector. As a Halide::Buffer the dimensions are reversed: (V, W, H, ceil(C/V), N).
// Lanes past C ("pad lanes") are written as zeros by these helpers; the kernels never read them.
//
// Packed weights: row-major [ceil(K/V)][kh][kw][C/groups][V], i.e. Halide dims
// (V, C/groups, kw, kh, ceil(K/V)). One vector holds V consecutive output channels for a fixed
// (input channel, ky, kx), which is what a kernel with output channels in SIMD lanes loads.
// Output channels past K are zero.
//
// Packed bias: ceil(K/V) * V floats, zero past K.
#pragma once

#include <cstddef>

#include "Halide.h"

namespace kiln::halide {

inline int ceil_div(int a, int b) {
  return (a + b - 1) / b;
}

// Channel block (floats per vector) of the kernels compiled for `target`: 16 with AVX-512,
// 8 otherwise (AVX2 and narrower).
int channel_block(const Halide::Target& target);

// Number of floats of a blocked activation / packed weight tensor.
std::size_t blocked_size(int n, int c, int h, int w, int block);
std::size_t packed_weights_size(int k, int c_per_group, int kh, int kw, int block);

// Raw-pointer conversions (the runtime's arena works on plain pointers). dst must hold the
// sizes above; pad lanes of dst are zeroed.
void nchw_to_blocked(const float* src, int n, int c, int h, int w, int block, float* dst);
void blocked_to_nchw(const float* src, int n, int c, int h, int w, int block, float* dst);
void repack_weights_oihw(const float* src, int k, int c_per_group, int kh, int kw, int block,
                         float* dst);

// Halide::Buffer conveniences over the functions above. A plain NCHW buffer has Halide dims
// (W, H, C, N); plain OIHW weights have Halide dims (kw, kh, C/groups, K). Inputs must be dense.
Halide::Buffer<float> make_blocked(int n, int c, int h, int w, int block);
Halide::Buffer<float> nchw_to_blocked(const Halide::Buffer<float>& nchw, int block);
Halide::Buffer<float> blocked_to_nchw(const Halide::Buffer<float>& blocked, int channels);
Halide::Buffer<float> repack_weights_oihw(const Halide::Buffer<float>& oihw, int block);
Halide::Buffer<float> pack_bias(const float* bias, int k, int block);

}  // namespace kiln::halide
