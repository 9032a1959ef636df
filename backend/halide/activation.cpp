#include "backend/halide/activation.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace kiln::halide {

namespace {

// Shortest decimal that reads back as the same float, made identifier-safe.
std::string exact_token(float v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string s;
  for (const char* c = buf; c != end; ++c) {
    if (*c == '-')
      s += 'm';
    else if (*c == '.')
      s += 'p';
    else if (*c != '+')
      s += *c;  // "e+38" -> "e38": still one reading
  }
  return s;
}

}  // namespace

void validate_activation(Activation a, const ActivationParams& p, const char* what) {
  const std::string prefix = std::string(what) + ": ";
  if (a != Activation::kClip && (p.min != 0 || p.max != 0))
    throw std::invalid_argument(prefix + "clip bounds set without the clip activation");
  if (a != Activation::kLeakyRelu && p.alpha != 0)
    throw std::invalid_argument(prefix + "alpha set without the leaky_relu activation");
  if (a == Activation::kClip && (std::isnan(p.min) || std::isnan(p.max)))
    throw std::invalid_argument(prefix + "clip bounds must be numbers");
  if (a == Activation::kLeakyRelu && !std::isfinite(p.alpha))
    throw std::invalid_argument(prefix + "alpha must be finite");
}

std::string activation_suffix(Activation a, const ActivationParams& p) {
  switch (a) {
    case Activation::kNone:
      return "";
    case Activation::kRelu:
      return "_relu";
    case Activation::kClip:
      return "_clip" + exact_token(p.min) + "_" + exact_token(p.max);
    case Activation::kLeakyRelu:
      return "_leaky" + exact_token(p.alpha);
    case Activation::kSigmoid:
      return "_sigmoid";
  }
  return "";
}

Halide::Expr apply_activation(Activation a, const ActivationParams& p, Halide::Expr value) {
  switch (a) {
    case Activation::kNone:
      return value;
    // Strict selects, not Halide::max/min: NaN passes through, as in the reference
    // interpreter and PyTorch. Halide compiles float code assuming no NaN, so max(x, 0) or a
    // plain select may come out as a maxps whose operand order drops it (x86 returns the second
    // operand when either is NaN). The selects still compile to one maxps/minps each, with the
    // operands in the NaN-keeping order. strict_float reaches into `value` as far as it is
    // inlined (bias, residual, a Winograd output transform: no contraction or reassociation
    // there); measured on ResNet-50, conv and Winograd layers took 0.96-1.03x the time.
    case Activation::kRelu:
      return Halide::strict_float(Halide::select(value < 0.0f, 0.0f, value));
    case Activation::kClip: {
      // Lower bound first, then upper: ONNX's order (all max when min > max), unlike
      // Halide::clamp, which requires min <= max.
      Halide::Expr low = Halide::select(value < p.min, p.min, value);
      return Halide::strict_float(Halide::select(low > p.max, p.max, low));
    }
    case Activation::kLeakyRelu:
      return Halide::select(value < 0.0f, value * p.alpha, value);
    case Activation::kSigmoid:
      // Halide's exp(NaN) is 0, which would make sigmoid(NaN) 1.
      return Halide::strict_float(
          Halide::select(Halide::is_nan(value), value, 1.0f / (1.0f + Halide::exp(-value))));
  }
  return value;
}

bool activation_keeps_zero(Activation a, const ActivationParams& p) {
  if (a == Activation::kSigmoid) return false;
  if (a == Activation::kClip) return std::fmin(std::fmax(0.0f, p.min), p.max) == 0.0f;
  return true;
}

}  // namespace kiln::halide
