#include "ir/activation.h"

#include <cmath>
#include <utility>

namespace kiln {

namespace {

const std::pair<ActivationKind, const char*> kNames[] = {
    {ActivationKind::none, "none"},       {ActivationKind::relu, "relu"},
    {ActivationKind::clip, "clip"},       {ActivationKind::leaky_relu, "leaky_relu"},
    {ActivationKind::sigmoid, "sigmoid"},
};

// Reads the parameters of `kind` from n's attributes (absent ones fail in Node::attr).
ActivationFn with_params(ActivationKind kind, const Node& n) {
  ActivationFn a;
  a.kind = kind;
  if (kind == ActivationKind::clip) a.min = n.float_attr("min"), a.max = n.float_attr("max");
  if (kind == ActivationKind::leaky_relu) a.alpha = n.float_attr("alpha");
  return a;
}

}  // namespace

const char* ActivationFn::name() const {
  for (const auto& [k, name] : kNames)
    if (k == kind) return name;
  return "none";
}

AttrMap ActivationFn::params() const {
  AttrMap m;
  if (kind == ActivationKind::clip) m.set("min", min), m.set("max", max);
  if (kind == ActivationKind::leaky_relu) m.set("alpha", alpha);
  return m;
}

double ActivationFn::apply(double x) const {
  switch (kind) {
    case ActivationKind::none:
      return x;
    case ActivationKind::relu:
      return x < 0 ? 0.0 : x;
    case ActivationKind::clip: {
      // Comparisons with NaN are false, so NaN passes both tests unchanged.
      const double low = x < min ? min : x;
      return low > max ? max : low;
    }
    case ActivationKind::leaky_relu:
      return x < 0 ? alpha * x : x;
    case ActivationKind::sigmoid:
      return 1.0 / (1.0 + std::exp(-x));
  }
  return x;
}

bool ActivationFn::keeps_zero() const {
  return apply(0.0) == 0.0;
}

std::string activation_names() {
  std::string s;
  for (const auto& [kind, name] : kNames)
    s += (s.empty() ? "\"" : ", \"") + std::string(name) + "\"";
  return s;
}

std::optional<ActivationKind> activation_kind(std::string_view name) {
  for (const auto& [kind, n] : kNames)
    if (name == n) return kind;
  return std::nullopt;
}

std::optional<ActivationFn> activation_of_op(const Node& n) {
  std::optional<ActivationKind> kind = activation_kind(n.op());
  if (!kind || *kind == ActivationKind::none) return std::nullopt;
  return with_params(*kind, n);
}

ActivationFn fused_activation(const Node& n) {
  std::optional<ActivationKind> kind = activation_kind(n.string_attr("activation"));
  if (!kind)
    throw Error(n.loc(), "%" + n.name() + ": unknown activation \"" + n.string_attr("activation") +
                             "\" (known: " + activation_names() + ")");
  return with_params(*kind, n);
}

void set_fused_activation(AttrMap& attrs, const ActivationFn& a) {
  for (const char* param : {"min", "max", "alpha"}) attrs.erase(param);
  if (a.kind == ActivationKind::none) {
    attrs.erase("activation");
    return;
  }
  attrs.set("activation", a.name());
  const AttrMap params = a.params();  // a named copy: entries() of a temporary would dangle
  for (const auto& [name, value] : params.entries()) attrs.set(name, value);
}

}  // namespace kiln
