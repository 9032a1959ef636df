// Building graphs from C++ (the model zoo, tests, the ONNX importer, passes).
// Every node is type-checked as it is appended, so a mistake surfaces at the
// line that made it, with the node's name, instead of later in the verifier.
//
// Layer helpers create their own parameters as `weight` nodes named after the
// layer: conv2d/dense make `<layer>.weight` and `<layer>.bias`; batch_norm
// makes `<bn>.scale`, `<bn>.bias`, `<bn>.mean` and `<bn>.variance`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace kiln {

// A 2-D window parameter: `3` means 3x3, `{1, 7}` means 1 high and 7 wide.
struct Size2 {
  int64_t h, w;
  Size2(int64_t both) : h(both), w(both) {}
  Size2(int64_t h_, int64_t w_) : h(h_), w(w_) {}
  std::vector<int64_t> vec() const { return {h, w}; }
};

// Padding [top, left, bottom, right]; `1` pads every side by one.
struct Pad4 {
  int64_t top, left, bottom, right;
  Pad4(int64_t all) : top(all), left(all), bottom(all), right(all) {}
  Pad4(int64_t t, int64_t l, int64_t b, int64_t r) : top(t), left(l), bottom(b), right(r) {}
  std::vector<int64_t> vec() const { return {top, left, bottom, right}; }
  bool is_zero() const { return top == 0 && left == 0 && bottom == 0 && right == 0; }
};

class GraphBuilder {
 public:
  explicit GraphBuilder(Graph& g) : g_(g) {}

  Graph& graph() { return g_; }

  // Appends `op` and infers its type at once. Throws kiln::Error naming the
  // node ("%name (op): ...") on a wrong operand count, an unknown or
  // mistyped attribute, or a failed check/inference; the graph is then left
  // without the node.
  Node* op(const std::string& op, const std::string& name, std::vector<Node*> inputs,
           AttrMap attrs = {});

  Node* input(const std::string& name, std::vector<int64_t> dims);
  Node* weight(const std::string& name, std::vector<int64_t> dims);

  // kernel, stride and pad are always written; groups and dilation only when
  // they differ from 1, so the text stays readable.
  Node* conv2d(const std::string& name, Node* x, int64_t out_channels, Size2 kernel,
               Size2 stride = 1, Pad4 pad = 0, int64_t groups = 1, bool bias = true,
               Size2 dilation = 1);
  Node* dense(const std::string& name, Node* x, int64_t out_features, bool bias = true);
  Node* batch_norm(const std::string& name, Node* x, double epsilon = 1e-5);
  Node* relu(const std::string& name, Node* x);
  Node* clip(const std::string& name, Node* x, double min, double max);
  Node* leaky_relu(const std::string& name, Node* x, double alpha);
  Node* sigmoid(const std::string& name, Node* x);
  Node* max_pool2d(const std::string& name, Node* x, Size2 kernel, Size2 stride, Pad4 pad = 0,
                   bool ceil_mode = false);
  Node* avg_pool2d(const std::string& name, Node* x, Size2 kernel, Size2 stride, Pad4 pad = 0,
                   bool ceil_mode = false, bool count_include_pad = false);
  Node* global_avg_pool(const std::string& name, Node* x);
  // ONNX semantics: alpha is divided by size (as in Caffe's across-channel LRN).
  Node* lrn(const std::string& name, Node* x, int64_t size, double alpha = 1e-4, double beta = 0.75,
            double bias = 1.0);
  Node* concat(const std::string& name, std::vector<Node*> xs, int64_t axis = 1);
  Node* add(const std::string& name, Node* a, Node* b);
  Node* flatten(const std::string& name, Node* x, int64_t axis = 1);
  Node* dropout(const std::string& name, Node* x, double ratio = 0.5);
  Node* softmax(const std::string& name, Node* x, int64_t axis = 1);

  void output(Node* value, OutputRole role = OutputRole::main);

 private:
  struct Param {
    const char* suffix;
    std::vector<int64_t> dims;
  };
  // Creates `<name>.<suffix>` weights, then the node with x and them as
  // operands; on failure removes the weights again.
  Node* layer(const std::string& op, const std::string& name, Node* x,
              const std::vector<Param>& params, AttrMap attrs);
  Node* pool(const std::string& op, const std::string& name, Node* x, Size2 kernel, Size2 stride,
             Pad4 pad, bool ceil_mode, AttrMap extra);

  Graph& g_;
};

}  // namespace kiln
