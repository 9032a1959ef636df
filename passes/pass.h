// A graph pass: a small class with a name, a one-line description, and the
// statistics and remarks it reports through its PassContext. Passes are
// registered in passes/pass_registry.cpp and run by name.
//
// Conventions every pass follows (docs/passes.md has the reasoning):
// - A node that replaces a chain (conv2d + batch_norm, conv2d + add + relu)
//   takes the name of the LAST node of the chain, so a value name keeps
//   denoting the same tensor across the pipeline: graph outputs and the
//   operands printed downstream do not change. Node::origins() records which
//   original nodes each fused node covers.
// - A pass erases what its own rewrite left unused (old weights, folded
//   batch-norm parameters) and drops their tensors; `dce` is the global sweep.
// - New tensors get new names (never an old name with a new meaning), unique
//   among both the graph's values and the weight map's keys.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/tensor.h"

namespace kiln {

// What a pass said about one place in the graph. "applied" remarks say what
// it did; "missed" remarks say why it did not fire where it might have
// ("fold-bn: kept %bn4: %conv4 has 2 users").
struct Remark {
  enum class Kind { applied, missed };
  Kind kind;
  std::string pass;
  std::string node;  // the value the remark is about, without '%'
  std::string message;
  SourceLoc loc;  // the node's location in the text IR, when it has one

  std::string str() const;  // "fold-bn: folded %bn1 into %conv1"
};

// Everything a pass may touch besides the graph: the weights it rewrites
// (fold-bn creates new tensors), user choices, and where its reports go.
class PassContext {
 public:
  explicit PassContext(WeightMap& weights) : weights_(weights) {}

  WeightMap& weights() { return weights_; }
  const WeightMap& weights() const { return weights_; }

  // Shapes only: the graph has weights but none are bound (e.g. `kiln dump -O`
  // without a weights file). Passes then rewrite the graph and declare new
  // weight nodes but compute no tensors. Otherwise a weight a pass must read
  // and cannot find is an error.
  bool shapes_only = false;

  // Outputs to keep whatever their role (strip-training).
  std::vector<std::string> keep_outputs;

  void remark(Remark::Kind kind, const std::string& pass, const Node& at, std::string message);
  void count(const std::string& pass, const std::string& statistic, int64_t delta = 1);

  const std::vector<Remark>& remarks() const { return remarks_; }
  // statistics[pass][name]
  const std::map<std::string, std::map<std::string, int64_t>>& statistics() const { return stats_; }

 private:
  WeightMap& weights_;
  std::vector<Remark> remarks_;
  std::map<std::string, std::map<std::string, int64_t>> stats_;
};

class Pass {
 public:
  virtual ~Pass() = default;
  virtual std::string name() const = 0;
  virtual std::string description() const = 0;
  // Rewrites the graph (and ctx.weights()); throws kiln::Error on failure.
  virtual void run(Graph& g, PassContext& ctx) = 0;
};

}  // namespace kiln
