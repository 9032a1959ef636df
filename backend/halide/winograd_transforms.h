// Winograd (Toom-Cook) minimal filtering F(m x m, 3 x 3): the transform matrices, and the weight
// transform done once when the weights are packed.
//
// With alpha = m + 2 and a 1-D input tile d (alpha values), filter g (3) and output y (m):
//   y = A^T [ (G g) .* (B^T d) ]
// and in 2-D, per input channel pair of tiles, Y = A^T [ (G g G^T) .* (B^T d B) ] A, summed over
// input channels before the output transform (Lavin & Gray, "Fast Algorithms for Convolutional
// Neural Networks", 2016). The matrices come from interpolation points: A^T is the Vandermonde
// matrix of the alpha - 1 finite points plus the point at infinity, G evaluates the filter there
// (scaled by 1 / prod (p_j - p_l)), and B^T is solved so that the identity above holds exactly for
// every (d, g), in double precision, so no table of magic numbers has to be trusted.
#pragma once

#include <vector>

#include "Halide.h"

namespace kiln::halide {

// Row-major dense matrix of doubles.
struct Matrix {
  int rows = 0, cols = 0;
  std::vector<double> values;
  double operator()(int r, int c) const { return values[static_cast<size_t>(r * cols + c)]; }
  double& operator()(int r, int c) { return values[static_cast<size_t>(r * cols + c)]; }
};

struct WinogradTransforms {
  int m = 0;      // output tile
  int alpha = 0;  // input tile, m + 2
  Matrix at;      // m x alpha
  Matrix g;       // alpha x 3
  Matrix bt;      // alpha x alpha
};

// Supported output tiles: 2, 4 and 6 (points 0, +-1 / 0, +-1, +-2 / 0, +-1, +-2, +-1/2).
// Throws std::invalid_argument for others.
const WinogradTransforms& winograd_transforms(int m);

// Floats of the packed transformed weights, Halide dims (V, C, alpha, alpha, ceil(K/V)):
// U(k, c, ex, ey) = (G g_kc G^T)(ey, ex) at lane k % V of block k / V; zero past K.
std::size_t winograd_weights_size(int k, int c, int m, int block);
// OIHW 3x3 weights (K x C x 3 x 3) -> packed transformed weights; computed in double.
void pack_winograd_weights(const float* oihw, int k, int c, int m, int block, float* dst);
// Same over Halide buffers: plain OIHW dims (3, 3, C, K).
Halide::Buffer<float> pack_winograd_weights(const Halide::Buffer<float>& oihw, int m, int block);

}  // namespace kiln::halide
