// Spatial pooling over NCHW: max_pool2d, avg_pool2d and global_avg_pool.
// Pads are [top, left, bottom, right]. Average pooling follows PyTorch (and
// ONNX): with count_include_pad the divisor is the window clipped to the
// padded input, so positions that ceil_mode adds beyond the bottom/right
// padding never count; without it the divisor is the number of real inputs.
#include <algorithm>
#include <cmath>
#include <limits>

#include "backend/reference/ops/ref_ops.h"

namespace kiln::reference::ops {

namespace {

// One axis of one window: the real input range [begin, end) it covers, and
// how many positions it covers in the padded input.
struct Span {
  int64_t begin, end, padded;
};

Span window_span(int64_t o, int64_t stride, int64_t kernel, int64_t pad_lo, int64_t pad_hi,
                 int64_t in) {
  const int64_t start = o * stride - pad_lo;
  const int64_t padded_end = std::min(start + kernel, in + pad_hi);
  const Span s{std::max<int64_t>(start, 0), std::min(padded_end, in), padded_end - start};
  // Shape inference (pad < kernel, ceil windows start inside the input or
  // the low padding) guarantees this; an empty window would be -inf or 0/0.
  if (s.begin >= s.end) throw Error("pooling window " + std::to_string(o) + " covers no input");
  return s;
}

struct Pool {
  int64_t N, C, H, W, OH, OW;
  std::vector<int64_t> kernel, stride, pad;

  Span rows(int64_t oh) const { return window_span(oh, stride[0], kernel[0], pad[0], pad[2], H); }
  Span cols(int64_t ow) const { return window_span(ow, stride[1], kernel[1], pad[1], pad[3], W); }
};

Pool pool_of(const Node& n, const Tensor& x, const TensorType& out) {
  Pool p;
  p.N = x.dims()[0], p.C = x.dims()[1], p.H = x.dims()[2], p.W = x.dims()[3];
  p.OH = out.dims[2], p.OW = out.dims[3];
  p.kernel = n.ints_attr("kernel"), p.stride = n.ints_attr("stride"), p.pad = n.ints_attr("pad");
  return p;
}

// Calls reduce(plane, rows, cols) for every output element of every (n, c)
// plane and stores its result.
template <typename Reduce>
Tensor pool_each_window(const Pool& p, const Tensor& x, const TensorType& out, Reduce reduce) {
  Tensor y(out);
  for (int64_t plane = 0; plane < p.N * p.C; ++plane) {
    const float* xp = x.ptr() + plane * p.H * p.W;
    for (int64_t oh = 0; oh < p.OH; ++oh)
      for (int64_t ow = 0; ow < p.OW; ++ow)
        y.data[static_cast<size_t>((plane * p.OH + oh) * p.OW + ow)] =
            static_cast<float>(reduce(xp, p.rows(oh), p.cols(ow)));
  }
  return y;
}

}  // namespace

Tensor max_pool2d(const Node& n, const Operands& in, const TensorType& out) {
  const Pool p = pool_of(n, *in[0], out);
  return pool_each_window(p, *in[0], out, [&](const float* xp, Span r, Span c) {
    float m = -std::numeric_limits<float>::infinity();
    for (int64_t i = r.begin; i < r.end; ++i)
      for (int64_t j = c.begin; j < c.end; ++j) {
        const float v = xp[i * p.W + j];
        // NaN propagates, as in PyTorch.
        if (v > m || std::isnan(v)) m = v;
      }
    return static_cast<double>(m);
  });
}

Tensor avg_pool2d(const Node& n, const Operands& in, const TensorType& out) {
  const Pool p = pool_of(n, *in[0], out);
  const bool count_include_pad = n.bool_attr("count_include_pad");
  return pool_each_window(p, *in[0], out, [&](const float* xp, Span r, Span c) {
    double sum = 0.0;
    for (int64_t i = r.begin; i < r.end; ++i)
      for (int64_t j = c.begin; j < c.end; ++j) sum += xp[i * p.W + j];
    const int64_t count =
        count_include_pad ? r.padded * c.padded : (r.end - r.begin) * (c.end - c.begin);
    return sum / static_cast<double>(count);
  });
}

Tensor global_avg_pool(const Node&, const Operands& in, const TensorType& out) {
  const Tensor& x = *in[0];
  const int64_t planes = x.dims()[0] * x.dims()[1], HW = x.dims()[2] * x.dims()[3];
  Tensor y(out);
  for (int64_t plane = 0; plane < planes; ++plane) {
    double sum = 0.0;
    for (int64_t i = 0; i < HW; ++i) sum += x.data[static_cast<size_t>(plane * HW + i)];
    y.data[static_cast<size_t>(plane)] = static_cast<float>(sum / static_cast<double>(HW));
  }
  return y;
}

}  // namespace kiln::reference::ops
