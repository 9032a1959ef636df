// run_pipeline: the passes in order, with opt-style instrumentation around
// each one. Reports are written to the log as the pipeline goes, so a pass
// that throws still leaves the dumps and remarks before it.
#include "passes/pass_manager.h"

#include <chrono>
#include <iostream>
#include <optional>

#include "frontend/graph_stats.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "passes/numerics_check.h"
#include "passes/pass_report.h"

namespace kiln {

namespace {

// Every pass is created before any runs, so a misspelt name changes nothing.
std::vector<std::unique_ptr<Pass>> instantiate(const std::vector<std::string>& names) {
  std::vector<std::unique_ptr<Pass>> out;
  for (const std::string& name : names) {
    auto pass = create_pass(name);
    if (!pass) {
      parse_pipeline(name);  // throws the message that lists the known passes
      throw Error("unknown pass '" + name + "'");
    }
    out.push_back(std::move(pass));
  }
  return out;
}

// Adds the pass name to an error that does not already carry it.
[[noreturn]] void rethrow_in_pass(const Error& e, const std::string& pass) {
  std::string what = e.what();
  if (what.find(pass + ": ") != std::string::npos) throw e;
  if (e.loc().valid()) throw Error::preformatted(e.loc(), what + "\n  (in pass '" + pass + "')");
  throw Error(pass + ": " + what);
}

class PipelineRunner {
 public:
  PipelineRunner(Graph& g, WeightMap& weights, const PipelineOptions& options)
      : g_(g),
        weights_(weights),
        opt_(options),
        log_(options.log ? *options.log : std::cerr),
        ctx_(weights) {
    ctx_.keep_outputs = options.keep_outputs;
  }

  PipelineResult run() {
    std::vector<std::unique_ptr<Pass>> passes = instantiate(opt_.passes);
    if (opt_.verify_numerics) numerics_.emplace(g_, weights_, opt_.numerics_seed);
    ctx_.shapes_only = weights_.empty() && !g_.weights().empty();
    for (auto& pass : passes) run_one(*pass);
    if (!checks_each_pass()) verify_at_end();
    if (opt_.stats) print_statistics(log_, result_.steps);
    result_.remarks = ctx_.remarks();
    result_.statistics = ctx_.statistics();
    for (const Node* n : g_.nodes())
      if (!n->origins().empty()) result_.origins[n->name()] = n->origins();
    return std::move(result_);
  }

 private:
  // Numerics needs a valid graph to run, so it verifies too.
  bool checks_each_pass() const { return opt_.verify_each || opt_.verify_numerics; }

  void run_one(Pass& pass) {
    const std::string name = pass.name();
    if (opt_.print_before.count(name)) dump("Before", name);
    PassStep step;
    step.pass = name;
    GraphStats before = compute_graph_stats(g_);
    step.params_before = before.parameters;
    step.flops_before = before.flops;
    auto counters_before = counters_of(name);
    const size_t remarks_before = ctx_.remarks().size();
    auto start = std::chrono::steady_clock::now();
    try {
      pass.run(g_, ctx_);
    } catch (const Error& e) {
      log_remarks(remarks_before);
      rethrow_in_pass(e, name);
    }
    step.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    log_remarks(remarks_before);
    if (opt_.print_after_all || opt_.print_after.count(name)) dump("After", name);
    if (checks_each_pass()) verify_after(name);
    if (numerics_) step.max_rel_error = check_numerics(name);
    GraphStats after = compute_graph_stats(g_);
    step.params_after = after.parameters;
    step.flops_after = after.flops;
    step.counters = counters_since(name, counters_before);
    result_.steps.push_back(std::move(step));
  }

  std::map<std::string, int64_t> counters_of(const std::string& pass) const {
    auto it = ctx_.statistics().find(pass);
    return it == ctx_.statistics().end() ? std::map<std::string, int64_t>{} : it->second;
  }

  // The same pass may run twice; a step reports only its own counts.
  std::map<std::string, int64_t> counters_since(
      const std::string& pass, const std::map<std::string, int64_t>& before) const {
    std::map<std::string, int64_t> out;
    for (const auto& [stat, value] : counters_of(pass)) {
      auto it = before.find(stat);
      int64_t delta = value - (it == before.end() ? 0 : it->second);
      if (delta != 0) out[stat] = delta;
    }
    return out;
  }

  void dump(const char* when, const std::string& pass) {
    log_ << "# *** IR Dump " << when << " " << pass << " ***\n" << print_graph(g_) << std::flush;
  }

  void log_remarks(size_t from) {
    if (!opt_.remarks) return;
    for (size_t i = from; i < ctx_.remarks().size(); ++i)
      log_ << format_remark(ctx_.remarks()[i]) << "\n";
    log_ << std::flush;
  }

  void verify_after(const std::string& pass) {
    auto diags = verify_graph(g_);
    if (diags.empty()) return;
    std::string message = "pass '" + pass + "' left an invalid graph:";
    for (const Diagnostic& d : diags) message += "\n  " + d.str();
    throw Error(message);
  }

  void verify_at_end() {
    auto diags = verify_graph(g_);
    if (diags.empty()) return;
    std::string message =
        "the graph is invalid after the pipeline (rerun with --verify-each to find the pass):";
    for (const Diagnostic& d : diags) message += "\n  " + d.str();
    throw Error(message);
  }

  double check_numerics(const std::string& pass) {
    passes::Discrepancy d = numerics_->compare(g_, weights_);
    if (d.problem.empty() && d.error <= opt_.numerics_tolerance) return d.error;
    throw Error(numerics_failure(pass, d, opt_.numerics_tolerance));
  }

  Graph& g_;
  WeightMap& weights_;
  const PipelineOptions& opt_;
  std::ostream& log_;
  PassContext ctx_;
  std::optional<passes::NumericsCheck> numerics_;
  PipelineResult result_;
};

}  // namespace

PipelineResult run_pipeline(Graph& g, WeightMap& weights, const PipelineOptions& options) {
  return PipelineRunner(g, weights, options).run();
}

}  // namespace kiln
