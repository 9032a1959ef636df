// The activation epilogue of the conv2d, dense and eltwise kernel families: the Halide side of
// the IR's activations (ir/activation.h), applied to a value before it is stored.
//
// A kernel spec holds `Activation activation` and `ActivationParams activation_params`; only
// the parameters of its activation may be non-zero (the lowering converts the IR's
// ActivationFn, lower_ops.h), so every computation has exactly one
// spec and one to_string() (the kernel cache key).
#pragma once

#include <string>

#include "Halide.h"

namespace kiln::halide {

enum class Activation { kNone, kRelu, kClip, kLeakyRelu, kSigmoid };

struct ActivationParams {
  float min = 0, max = 0;  // kClip: min(max(x, min), max)
  float alpha = 0;         // kLeakyRelu: x < 0 ? alpha * x : x

  bool operator==(const ActivationParams& o) const {
    return min == o.min && max == o.max && alpha == o.alpha;
  }
};

// Throws std::invalid_argument ("<what>: ...") when a parameter is set that `a` does not use,
// or a clip bound is NaN.
void validate_activation(Activation a, const ActivationParams& p, const char* what);

// "" for kNone, else "_relu", "_sigmoid", "_clip<min>_<max>", "_leaky<alpha>" with every float
// in its shortest exact decimal, '-' spelt 'm' and '.' spelt 'p' (e.g. "_clip0_6",
// "_leaky0p01"): distinct parameters give distinct strings, and the result stays an
// identifier fragment.
std::string activation_suffix(Activation a, const ActivationParams& p);

// f(value), in f32.
Halide::Expr apply_activation(Activation a, const ActivationParams& p, Halide::Expr value);

// False when f(0) != 0: kernels that compute channel pad lanes like real ones must then
// select zero for them to keep padding zero.
bool activation_keeps_zero(Activation a, const ActivationParams& p);

}  // namespace kiln::halide
