#include "backend/halide/winograd_transforms.h"

#include <cmath>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

#include "backend/halide/layout.h"

namespace kiln::halide {
namespace {

constexpr int kFilter = 3;

Matrix zeros(int rows, int cols) {
  return {rows, cols, std::vector<double>(static_cast<size_t>(rows * cols), 0.0)};
}

// Small, well-conditioned point sets: the same as the common F(2), F(4) implementations, and for
// F(6) the +-1/2 points that keep the error within ~2x of F(4) (Lavin's revised transforms).
std::vector<double> interpolation_points(int m) {
  switch (m) {
    case 2:
      return {0, 1, -1};
    case 4:
      return {0, 1, -1, 2, -2};
    case 6:
      return {0, 1, -1, 2, -2, 0.5, -0.5};
    default:
      throw std::invalid_argument("Winograd: unsupported output tile " + std::to_string(m) +
                                  " (supported: 2, 4, 6)");
  }
}

// A^T: row i evaluates p^i at each finite point; the last column is the point at infinity.
Matrix output_matrix(const std::vector<double>& p, int m) {
  const int alpha = m + kFilter - 1;
  Matrix at = zeros(m, alpha);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j + 1 < alpha; ++j) at(i, j) = std::pow(p[j], i);
  }
  at(m - 1, alpha - 1) = 1;
  return at;
}

// G: the filter polynomial at each point over prod_{l != j} (p_j - p_l), then its leading
// coefficient (the point at infinity).
Matrix filter_matrix(const std::vector<double>& p, int alpha) {
  Matrix g = zeros(alpha, kFilter);
  for (int j = 0; j + 1 < alpha; ++j) {
    double f = 1;
    for (int l = 0; l + 1 < alpha; ++l) {
      if (l != j) f *= p[j] - p[l];
    }
    for (int k = 0; k < kFilter; ++k) g(j, k) = std::pow(p[j], k) / f;
  }
  g(alpha - 1, kFilter - 1) = 1;
  return g;
}

// Solves the square system a x = b by Gaussian elimination with partial pivoting.
std::vector<double> solve(Matrix a, std::vector<double> b) {
  const int n = a.rows;
  for (int col = 0; col < n; ++col) {
    int pivot = col;
    for (int r = col + 1; r < n; ++r) {
      if (std::abs(a(r, col)) > std::abs(a(pivot, col))) pivot = r;
    }
    if (std::abs(a(pivot, col)) < 1e-12) throw std::logic_error("Winograd: singular system");
    for (int c = 0; c < n; ++c) std::swap(a(col, c), a(pivot, c));
    std::swap(b[col], b[pivot]);
    for (int r = col + 1; r < n; ++r) {
      const double f = a(r, col) / a(col, col);
      for (int c = col; c < n; ++c) a(r, c) -= f * a(col, c);
      b[r] -= f * b[col];
    }
  }
  std::vector<double> x(n);
  for (int r = n - 1; r >= 0; --r) {
    double s = b[r];
    for (int c = r + 1; c < n; ++c) s -= a(r, c) * x[c];
    x[r] = s / a(r, r);
  }
  return x;
}

// B^T such that sum_j A^T(i,j) G(j,k) B^T(j,l) = [l == i + k] for all i, k, l: the m * 3
// equations per column l are consistent, solved in the least-squares sense (normal equations)
// and checked exactly.
Matrix input_matrix(const Matrix& at, const Matrix& g, int m, int alpha) {
  Matrix sys = zeros(m * kFilter, alpha);
  for (int i = 0; i < m; ++i) {
    for (int k = 0; k < kFilter; ++k) {
      for (int j = 0; j < alpha; ++j) sys(i * kFilter + k, j) = at(i, j) * g(j, k);
    }
  }
  Matrix normal = zeros(alpha, alpha);
  for (int a = 0; a < alpha; ++a) {
    for (int b = 0; b < alpha; ++b) {
      for (int e = 0; e < sys.rows; ++e) normal(a, b) += sys(e, a) * sys(e, b);
    }
  }
  Matrix bt = zeros(alpha, alpha);
  for (int l = 0; l < alpha; ++l) {
    std::vector<double> rhs(alpha, 0.0);
    for (int i = 0; i < m; ++i) {
      for (int k = 0; k < kFilter; ++k) {
        if (i + k == l) {
          for (int a = 0; a < alpha; ++a) rhs[a] += sys(i * kFilter + k, a);
        }
      }
    }
    const std::vector<double> x = solve(normal, rhs);
    for (int j = 0; j < alpha; ++j) bt(j, l) = std::abs(x[j]) < 1e-12 ? 0.0 : x[j];
    for (int e = 0; e < sys.rows; ++e) {
      double s = 0;
      for (int j = 0; j < alpha; ++j) s += sys(e, j) * bt(j, l);
      const int i = e / kFilter, k = e % kFilter;
      if (std::abs(s - (i + k == l ? 1.0 : 0.0)) > 1e-9)
        throw std::logic_error("Winograd F(" + std::to_string(m) + ",3): B^T does not solve");
    }
  }
  return bt;
}

WinogradTransforms make_transforms(int m) {
  const std::vector<double> p = interpolation_points(m);
  WinogradTransforms t;
  t.m = m;
  t.alpha = m + kFilter - 1;
  t.at = output_matrix(p, m);
  t.g = filter_matrix(p, t.alpha);
  t.bt = input_matrix(t.at, t.g, m, t.alpha);
  return t;
}

}  // namespace

const WinogradTransforms& winograd_transforms(int m) {
  static std::mutex mutex;
  static std::map<int, WinogradTransforms> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(m);
  if (it == cache.end()) it = cache.emplace(m, make_transforms(m)).first;
  return it->second;
}

std::size_t winograd_weights_size(int k, int c, int m, int block) {
  const int alpha = m + kFilter - 1;
  return static_cast<std::size_t>(ceil_div(k, block)) * alpha * alpha * c * block;
}

void pack_winograd_weights(const float* oihw, int k, int c, int m, int block, float* dst) {
  const WinogradTransforms& t = winograd_transforms(m);
  const int alpha = t.alpha;
  std::fill(dst, dst + winograd_weights_size(k, c, m, block), 0.0f);
  for (int ko = 0; ko < k; ++ko) {
    for (int ci = 0; ci < c; ++ci) {
      const float* g = oihw + (static_cast<size_t>(ko) * c + ci) * 9;
      // G g (rows ey, columns kx), then (G g) G^T (rows ey, columns ex); alpha <= 8.
      double gy[8][3], u[8][8];
      for (int ey = 0; ey < alpha; ++ey) {
        for (int kx = 0; kx < 3; ++kx) {
          gy[ey][kx] = 0;
          for (int ky = 0; ky < 3; ++ky) gy[ey][kx] += t.g(ey, ky) * g[ky * 3 + kx];
        }
      }
      for (int ey = 0; ey < alpha; ++ey) {
        for (int ex = 0; ex < alpha; ++ex) {
          u[ey][ex] = 0;
          for (int kx = 0; kx < 3; ++kx) u[ey][ex] += t.g(ex, kx) * gy[ey][kx];
        }
      }
      for (int ey = 0; ey < alpha; ++ey) {
        for (int ex = 0; ex < alpha; ++ex) {
          // Row-major [kb][ey][ex][c][v].
          const size_t at =
              (((static_cast<size_t>(ko / block) * alpha + ey) * alpha + ex) * c + ci) * block +
              ko % block;
          dst[at] = static_cast<float>(u[ey][ex]);
        }
      }
    }
  }
}

Halide::Buffer<float> pack_winograd_weights(const Halide::Buffer<float>& oihw, int m, int block) {
  const int k = oihw.dim(3).extent(), c = oihw.dim(2).extent();
  if (oihw.dim(0).extent() != 3 || oihw.dim(1).extent() != 3)
    throw std::invalid_argument("pack_winograd_weights: expected 3x3 weights");
  const int alpha = m + kFilter - 1;
  Halide::Buffer<float> packed(block, c, alpha, alpha, ceil_div(k, block));
  pack_winograd_weights(oihw.data(), k, c, m, block, packed.data());
  return packed;
}

}  // namespace kiln::halide
