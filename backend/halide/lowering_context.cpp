#include "backend/halide/lowering_context.h"

#include "backend/halide/layout.h"
#include "backend/halide/layout_kernel.h"

namespace kiln::halide {

std::vector<int> blocked_extents(const TensorType& t, int block) {
  return {block, static_cast<int>(t.dim(3)), static_cast<int>(t.dim(2)),
          ceil_div(static_cast<int>(t.dim(1)), block), static_cast<int>(t.dim(0))};
}

std::vector<int> plain_extents(const TensorType& t) {
  std::vector<int> e;
  for (int d = t.rank() - 1; d >= 0; --d) e.push_back(static_cast<int>(t.dim(d)));
  return e;
}

std::vector<int64_t> dense_strides(const std::vector<int>& extents) {
  std::vector<int64_t> s;
  int64_t stride = 1;
  for (int e : extents) {
    s.push_back(stride);
    stride *= e;
  }
  return s;
}

LoweringContext::LoweringContext(const Graph& g, const WeightMap& weights,
                                 const Halide::Target& target, Scheduler scheduler,
                                 ConvAlgorithm conv_algorithm)
    : graph_(g), weights_(weights), scheduler_(scheduler), conv_algorithm_(conv_algorithm) {
  plan_.target = target;
  plan_.block = channel_block(target);
  // Reserve (address space only; pages are touched as tensors land) so the blob does not grow by
  // doubling: each step copied everything so far into fresh, faulted-in pages, ~0.2 s of a warm
  // ResNet-50 compile. Twice the graph's weights covers blocked layouts and Winograd's 4x taps on
  // some layers (ResNet-50's blob is 1.4x its weights); beyond that the vector grows as usual.
  size_t floats = 0;
  for (const auto& [name, tensor] : weights) floats += tensor.data.size();
  plan_.weights_blob.reserve(2 * floats + (1 << 20));
}

int LoweringContext::add_tensor(const std::string& name, std::vector<int> extents,
                                PlanTensor::Storage storage) {
  PlanTensor t;
  t.name = name;
  t.storage = storage;
  t.strides = dense_strides(extents);
  t.extents = std::move(extents);
  plan_.tensors.push_back(std::move(t));
  return static_cast<int>(plan_.tensors.size()) - 1;
}

int LoweringContext::add_view(const std::string& name, int base, int64_t offset,
                              std::vector<int> extents, std::vector<int64_t> strides) {
  PlanTensor t;
  t.name = name;
  t.storage = plan_.tensors.at(base).storage;
  t.alias_of = base;
  t.offset = offset;
  t.extents = std::move(extents);
  t.strides = std::move(strides);
  plan_.tensors.push_back(std::move(t));
  return static_cast<int>(plan_.tensors.size()) - 1;
}

int LoweringContext::add_weights(const std::string& name, std::vector<int> extents,
                                 const std::vector<float>& data) {
  int t = add_tensor(name, std::move(extents), PlanTensor::Storage::weights);
  auto& blob = plan_.weights_blob;
  blob.resize((blob.size() + 15) / 16 * 16, 0.0f);  // 64-byte aligned tensors
  plan_.tensors[t].offset = static_cast<int64_t>(blob.size());
  blob.insert(blob.end(), data.begin(), data.end());
  return t;
}

const Tensor& LoweringContext::weight_values(const Node& n) const {
  if (n.is("weight")) {
    auto it = weights_.find(n.name());
    if (it == weights_.end()) throw Error("halide backend: no tensor for weight %" + n.name());
    return it->second;
  }
  unsupported(n, "expected a weight operand, got " + n.op() +
                     " (constant-fold it first: -O runs canonicalize)");
}

int LoweringContext::kernel(const std::string& op, const std::string& signature,
                            Scheduler scheduled_by, KernelBuild build) {
  std::string key = op + ":" + signature + " schedule=" + schedule_tag(scheduled_by) + "@" +
                    plan_.target.to_string();
  auto it = kernel_by_signature_.find(key);
  if (it != kernel_by_signature_.end()) return it->second;
  PlanKernel k;
  k.function_name = "kiln_k" + std::to_string(plan_.kernels.size()) + "_" + op;
  k.signature = key;
  k.op = op;
  k.build = std::move(build);
  plan_.kernels.push_back(std::move(k));
  int id = static_cast<int>(plan_.kernels.size()) - 1;
  kernel_by_signature_[key] = id;
  return id;
}

void LoweringContext::add_step(int kernel, std::vector<int> args, std::vector<std::string> layers,
                               std::string description, double flops) {
  plan_.steps.push_back(
      {kernel, std::move(args), std::move(layers), std::move(description), flops});
}

int LoweringContext::output_tensor(const Node& n, std::vector<int> extents) {
  auto it = slots_.find(&n);
  if (it == slots_.end()) return add_tensor(n.name(), std::move(extents));
  return add_view(n.name(), it->second.base, it->second.offset, std::move(extents),
                  it->second.strides);
}

void LoweringContext::place_in(const Node& n, int base, int64_t offset,
                               std::vector<int64_t> strides) {
  slots_[&n] = {base, offset, std::move(strides)};
}

void LoweringContext::set_value(const Node& n, int tensor, Layout layout) {
  values_[&n][layout] = tensor;
  produced_layout_.emplace(&n, layout);
}

namespace {

// Weights and constants have no kernel: a value of theirs comes straight from the blob.
bool is_parameter(const Node& n) {
  return n.is("weight") || n.is("constant");
}

}  // namespace

Layout LoweringContext::layout_of(const Node& n) const {
  auto it = produced_layout_.find(&n);
  if (it != produced_layout_.end()) return it->second;
  if (is_parameter(n)) return Layout::plain;  // as value() places it
  throw Error("halide backend: %" + n.name() + " is used before it was lowered");
}

int LoweringContext::parameter_value(const Node& n) {
  std::vector<float> values;
  if (n.is("constant")) {
    const std::vector<double>& given = n.floats_attr("value");
    values.assign(given.begin(), given.end());
  } else {
    values = weight_values(n).data;
  }
  if (static_cast<int64_t>(values.size()) != n.type().num_elements()) {
    unsupported(n,
                "has " + std::to_string(values.size()) + " values for its type " + n.type().str());
  }
  const int t = add_weights(n.name(), plain_extents(n.type()), values);
  set_value(n, t, Layout::plain);
  return t;
}

int LoweringContext::value(const Node& n, Layout layout) {
  // A weight or constant used as data (a graph output, an operand other than a conv or dense
  // layer's weights): its plain values go into the blob once, for kernels to read.
  if (!has_value(n) && is_parameter(n)) parameter_value(n);
  auto it = values_.find(&n);
  if (it == values_.end())
    throw Error("halide backend: %" + n.name() + " is used before it was lowered");
  auto found = it->second.find(layout);
  if (found != it->second.end()) return found->second;
  Layout from = produced_layout_.at(&n);
  int converted = convert(it->second.at(from), n, from, layout);
  values_[&n][layout] = converted;
  return converted;
}

int LoweringContext::convert(int tensor, const Node& n, Layout from, Layout to) {
  const TensorType& t = n.type();
  if (t.rank() != 4) unsupported(n, "layout conversion needs a 4-D tensor, got " + t.str());
  LayoutSpec spec;
  spec.n = static_cast<int>(t.dim(0));
  spec.c = static_cast<int>(t.dim(1));
  spec.h = static_cast<int>(t.dim(2));
  spec.w = static_cast<int>(t.dim(3));
  spec.to_blocked = to == Layout::blocked;
  int k = kernel("layout", spec, define_layout, compile_layout_module);
  int out = add_tensor(n.name() + (spec.to_blocked ? ".blocked" : ".nchw"),
                       spec.to_blocked ? blocked_extents(t, block()) : plain_extents(t));
  add_step(k, {tensor, out}, {n.name()},
           std::string(spec.to_blocked ? "nchw->blocked " : "blocked->nchw ") + t.str(), 0);
  return out;
}

std::vector<std::string> LoweringContext::layers_of(const Node& n) const {
  if (n.origins().empty()) return {n.name()};
  return n.origins();
}

void LoweringContext::unsupported(const Node& n, const std::string& message) const {
  throw Error(n.loc(), "halide backend: %" + n.name() + " (" + n.op() + "): " + message);
}

}  // namespace kiln::halide
