// conv2d: y = act(cross_correlation(x, weight) + bias + residual), NCHW input,
// weight [K, C/groups, kh, kw], pad [top, left, bottom, right].
#include "backend/reference/ops/ref_ops.h"

namespace kiln::reference::ops {

namespace {

struct ConvParams {
  int64_t N, C, H, W;     // input
  int64_t K, Cg, kh, kw;  // weight; Cg = input channels per group
  int64_t OH, OW;         // output
  int64_t sh, sw, pt, pl, dh, dw;
  int64_t Kg;  // output channels per group
};

ConvParams conv_params(const Node& n, const Tensor& x, const Tensor& w, const TensorType& out) {
  const auto& stride = n.ints_attr("stride");
  const auto& pad = n.ints_attr("pad");
  const auto& dilation = n.ints_attr("dilation");
  ConvParams p{};
  p.N = x.dims()[0], p.C = x.dims()[1], p.H = x.dims()[2], p.W = x.dims()[3];
  p.K = w.dims()[0], p.Cg = w.dims()[1], p.kh = w.dims()[2], p.kw = w.dims()[3];
  p.OH = out.dims[2], p.OW = out.dims[3];
  p.sh = stride[0], p.sw = stride[1];
  // pad[2] and pad[3] (bottom, right) only enter through the output size.
  p.pt = pad[0], p.pl = pad[1];
  p.dh = dilation[0], p.dw = dilation[1];
  p.Kg = p.K / n.int_attr("groups");
  return p;
}

// The sum over one output position's receptive field; padding contributes 0.
double correlate(const ConvParams& p, const float* x, const float* w, int64_t n, int64_t k,
                 int64_t oh, int64_t ow) {
  int64_t first_channel = (k / p.Kg) * p.Cg;
  double acc = 0.0;
  for (int64_t c = 0; c < p.Cg; ++c) {
    const float* xc = x + ((n * p.C) + first_channel + c) * p.H * p.W;
    const float* wc = w + (k * p.Cg + c) * p.kh * p.kw;
    for (int64_t r = 0; r < p.kh; ++r) {
      int64_t ih = oh * p.sh - p.pt + r * p.dh;
      if (ih < 0 || ih >= p.H) continue;
      for (int64_t s = 0; s < p.kw; ++s) {
        int64_t iw = ow * p.sw - p.pl + s * p.dw;
        if (iw < 0 || iw >= p.W) continue;
        acc += static_cast<double>(xc[ih * p.W + iw]) * wc[r * p.kw + s];
      }
    }
  }
  return acc;
}

}  // namespace

Tensor conv2d(const Node& n, const Operands& in, const TensorType& out) {
  const Tensor& x = *in[0];
  const Tensor& w = *in[1];
  const Tensor* bias = in.size() > 2 ? in[2] : nullptr;
  const Tensor* residual = in.size() > 3 ? in[3] : nullptr;
  const ConvParams p = conv_params(n, x, w, out);
  const ActivationFn act = fused_activation(n);
  Tensor y(out);
  for (int64_t b = 0; b < p.N; ++b) {
    for (int64_t k = 0; k < p.K; ++k) {
      for (int64_t oh = 0; oh < p.OH; ++oh) {
        for (int64_t ow = 0; ow < p.OW; ++ow) {
          double v = correlate(p, x.ptr(), w.ptr(), b, k, oh, ow);
          if (bias) v += bias->data[static_cast<size_t>(k)];
          size_t at = static_cast<size_t>(((b * p.K + k) * p.OH + oh) * p.OW + ow);
          // The residual joins before the activation: that is what
          // fuse-conv-activation folds (conv, add, relu) into.
          if (residual) v += residual->data[at];
          y.data[at] = static_cast<float>(act.apply(v));
        }
      }
    }
  }
  return y;
}

}  // namespace kiln::reference::ops
