// Runs a pipeline of passes by name, with the instrumentation of LLVM's
// `opt`: IR dumps before/after passes, the verifier after each pass,
// statistics, remarks and numeric checks against the reference interpreter.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "passes/pass.h"

namespace kiln {

// nullptr for an unknown name.
std::unique_ptr<Pass> create_pass(const std::string& name);
// Every registered pass, in registration order.
std::vector<std::unique_ptr<Pass>> all_passes();
// The -O pipeline.
std::vector<std::string> default_pipeline();
// "a,b,c" -> names; throws kiln::Error naming an unknown pass (and listing the known ones).
std::vector<std::string> parse_pipeline(const std::string& csv);

// Adds a pass after the built-in ones (tests register deliberately broken
// passes this way). Throws kiln::Error when the name is taken.
using PassFactory = std::function<std::unique_ptr<Pass>()>;
void register_pass(const std::string& name, PassFactory factory);

struct PipelineOptions {
  std::vector<std::string> passes;
  bool print_after_all = false;
  std::set<std::string> print_before;  // pass names
  std::set<std::string> print_after;
  bool verify_each = false;
  bool stats = false;
  bool remarks = false;
  // Reference interpreter on a seeded input before the pipeline and after each
  // pass; names the first pass whose outputs move beyond the tolerance. With
  // an empty weight map, seeded weights (frontend/weight_init.h, seed
  // numerics_seed) are bound first, so the map then holds them.
  bool verify_numerics = false;
  double numerics_tolerance = 1e-4;  // relative; see passes/numerics_check.h
  uint64_t numerics_seed = 1;
  std::vector<std::string> keep_outputs;
  std::ostream* log = nullptr;  // dumps, stats and remarks; std::cerr when null
};

// What one pipeline position did: its counters and the graph's cost around it.
struct PassStep {
  std::string pass;
  std::map<std::string, int64_t> counters;  // this run only
  int64_t params_before = 0, params_after = 0;
  int64_t flops_before = 0, flops_after = 0;
  double seconds = 0;
  double max_rel_error = -1;  // with verify_numerics; -1 when not measured
};

struct PipelineResult {
  std::vector<Remark> remarks;
  std::map<std::string, std::map<std::string, int64_t>> statistics;
  std::vector<PassStep> steps;
  // origins[value] = Node::origins() of every fused node left in the graph.
  std::map<std::string, std::vector<std::string>> origins;
};

// Runs the pipeline on g, rewriting `weights` as passes require. Throws
// kiln::Error naming the pass when a pass fails, breaks the verifier (with
// verify_each) or, with verify_numerics, changes the outputs. Without
// verify_each the graph is still verified once at the end. An empty
// `weights` for a graph with weight nodes means shapes only (see
// PassContext::shapes_only).
PipelineResult run_pipeline(Graph& g, WeightMap& weights, const PipelineOptions& options);

}  // namespace kiln
