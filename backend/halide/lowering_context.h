// Shared state while lowering one graph into a Plan (lower_graph.cpp and the
// per-op lowerings in lower_*.cpp): the value -> tensor map, tensor and weight
// allocation, kernel deduplication and layout conversions on demand.
#pragma once

#include <map>
#include <string>
#include <unordered_map>

#include "backend/halide/autoschedule.h"
#include "backend/halide/conv_algorithm.h"
#include "backend/halide/execution_plan.h"
#include "ir/graph.h"
#include "ir/tensor.h"

namespace kiln::halide {

enum class Layout { plain, blocked };

class LoweringContext {
 public:
  LoweringContext(const Graph& g, const WeightMap& weights, const Halide::Target& target,
                  Scheduler scheduler, ConvAlgorithm conv_algorithm = ConvAlgorithm::automatic);

  const Graph& graph() const { return graph_; }
  Plan& plan() { return plan_; }
  int block() const { return plan_.block; }
  const Halide::Target& target() const { return plan_.target; }
  Scheduler scheduler() const { return scheduler_; }
  ConvAlgorithm conv_algorithm() const { return conv_algorithm_; }

  // A new dense tensor; extents in Halide order.
  int add_tensor(const std::string& name, std::vector<int> extents,
                 PlanTensor::Storage storage = PlanTensor::Storage::arena);
  // A view of `base` at `offset` floats with its own extents and strides.
  int add_view(const std::string& name, int base, int64_t offset, std::vector<int> extents,
               std::vector<int64_t> strides);
  // Copies `data` into the weights blob (64-byte aligned) as a new tensor.
  int add_weights(const std::string& name, std::vector<int> extents,
                  const std::vector<float>& data);
  // The graph's weight or constant tensor behind `n`, as float values.
  const Tensor& weight_values(const Node& n) const;

  // The kernel of a family (define_X, compile_X_module) for `spec`, scheduled
  // by scheduler(): its hand schedule or an autoscheduler.
  template <typename Spec, typename Pipeline>
  int kernel(const std::string& op, const Spec& spec, Pipeline (*define)(const Spec&, int),
             Halide::Module (*compile_hand)(const Spec&, const Halide::Target&,
                                            const std::string&)) {
    const std::string signature = spec.to_string();
    return kernel(op, signature, scheduler_,
                  scheduled_build(scheduler_, op + ":" + signature, spec, define, compile_hand));
  }
  // The kernel with this signature and schedule, created by `build` on first
  // use. The schedule is part of the key: hand and autoscheduled kernels of
  // one spec are distinct kernels (and cache entries).
  int kernel(const std::string& op, const std::string& signature, Scheduler scheduled_by,
             KernelBuild build);
  void add_step(int kernel, std::vector<int> args, std::vector<std::string> layers,
                std::string description, double flops);

  // The tensor that n's kernel writes: its slice of an in-place concat when
  // one was planned for it, else a new arena tensor.
  int output_tensor(const Node& n, std::vector<int> extents);
  // Plans n's output as a view of `base` at `offset` (in-place concat).
  void place_in(const Node& n, int base, int64_t offset, std::vector<int64_t> strides);

  // Where the value of `n` lives, in the given layout; converting (and
  // remembering the converted tensor) when it was produced in the other one.
  // A weight or constant lives in the weights blob, plain.
  int value(const Node& n, Layout layout);
  bool has_value(const Node& n) const { return values_.count(&n) != 0; }
  void set_value(const Node& n, int tensor, Layout layout);
  Layout layout_of(const Node& n) const;

  // Source layers a node covers, for per-layer timing ("conv1", "bn1", "relu1").
  std::vector<std::string> layers_of(const Node& n) const;

  // A kiln::Error naming the node: "halide backend: %x (op): message".
  [[noreturn]] void unsupported(const Node& n, const std::string& message) const;

 private:
  int convert(int tensor, const Node& n, Layout from, Layout to);
  // Places the values of weight or constant `n` in the blob as its plain value.
  int parameter_value(const Node& n);

  const Graph& graph_;
  const WeightMap& weights_;
  Scheduler scheduler_;
  ConvAlgorithm conv_algorithm_;
  Plan plan_;
  std::map<std::string, int> kernel_by_signature_;
  // value -> (layout -> tensor)
  std::unordered_map<const Node*, std::map<Layout, int>> values_;
  std::unordered_map<const Node*, Layout> produced_layout_;
  struct Slot {
    int base;
    int64_t offset;
    std::vector<int64_t> strides;
  };
  std::unordered_map<const Node*, Slot> slots_;
};

// NCHW dims -> Halide extents of the blocked layout (V, W, H, ceil(C/V), N).
std::vector<int> blocked_extents(const TensorType& t, int block);
// Any dims -> Halide extents of the plain row-major layout (reversed dims).
std::vector<int> plain_extents(const TensorType& t);
std::vector<int64_t> dense_strides(const std::vector<int>& extents);

}  // namespace kiln::halide
