// The activation functions of the IR. Each is a standalone elementwise op
// (relu, clip, leaky_relu, sigmoid) and also an epilogue that conv2d and
// dense apply after fuse-conv-activation: the layer's `activation` attribute
// names the op and the op's own attributes ride along, only when it has any:
//   clip(%x) {min = 0.0, max = 6.0}
//   conv2d(...) {kernel = [3, 3], activation = "clip", min = 0.0, max = 6.0}
// One description serves the verifier, the passes, the ONNX frontend and
// every backend, so they cannot disagree on names or parameters.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ir/graph.h"

namespace kiln {

enum class ActivationKind { none, relu, clip, leaky_relu, sigmoid };

struct ActivationFn {
  ActivationKind kind = ActivationKind::none;
  double min = 0, max = 0;  // clip: y = min(max(x, min), max), as ONNX and PyTorch
  double alpha = 0;         // leaky_relu: y = x < 0 ? alpha * x : x

  // The op name, which is also the value of a layer's `activation` ("none").
  const char* name() const;
  // The attributes the op carries, in printing order (empty for relu and sigmoid).
  AttrMap params() const;
  // f(x) in double; NaN propagates (PyTorch's behaviour). The reference semantics.
  double apply(double x) const;
  // False when f(0) != 0 (sigmoid, clip with min > 0): a kernel that computes pad
  // lanes like real ones would then write non-zero padding.
  bool keeps_zero() const;

  bool operator==(const ActivationFn& o) const {
    return kind == o.kind && min == o.min && max == o.max && alpha == o.alpha;
  }
};

// "\"none\", \"relu\", ..." for messages.
std::string activation_names();
// nullopt for a name that is not an activation.
std::optional<ActivationKind> activation_kind(std::string_view name);
// What a standalone activation op computes; nullopt for any other op.
std::optional<ActivationFn> activation_of_op(const Node& n);
// The epilogue of a conv2d or dense node (kind none when it has none).
ActivationFn fused_activation(const Node& n);
// Writes `a` onto a layer's attributes: `activation` and exactly its
// parameters; "none" removes them all (absent is the default).
void set_fused_activation(AttrMap& attrs, const ActivationFn& a);

}  // namespace kiln
