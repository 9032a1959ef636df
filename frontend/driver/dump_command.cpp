// `kiln dump`: the graph as text IR, JSON or Graphviz DOT, optionally after
// a pass pipeline (with the rewritten weights saved for a later `kiln run`).
#include <CLI/CLI.hpp>

#include "frontend/dot_dump.h"
#include "frontend/driver/command.h"
#include "frontend/driver/model_options.h"
#include "frontend/driver/output_file.h"
#include "frontend/driver/pass_options.h"
#include "frontend/json_dump.h"
#include "frontend/safetensors.h"
#include "ir/printer.h"

namespace kiln::driver {

namespace {

struct DumpArgs {
  ModelOptions model;
  std::string format = "text";
  std::string output;
  std::string weights_out;
  PassFlags passes;
};

std::string render(const Graph& g, const std::string& format) {
  if (format == "json") return dump_graph_json(g);
  if (format == "dot") return dump_graph_dot(g);
  return print_graph(g);
}

// Only the tensors the rewritten graph still uses: a folded batch_norm's
// parameters would otherwise ride along in every optimised weights file.
WeightMap used_weights(const Graph& g, const WeightMap& weights) {
  WeightMap used;
  for (const Node* w : g.weights()) {
    auto it = weights.find(w->name());
    if (it == weights.end()) throw Error("no weights for %" + w->name() + " after the passes");
    used.emplace(it->first, it->second);
  }
  return used;
}

// Weights are only needed to rewrite or save them; a plain dump of VGG-16
// should not first generate 138M random parameters.
bool needs_weights(const DumpArgs& a) {
  return !a.model.weights.empty() || !a.weights_out.empty() || !selected_passes(a.passes).empty();
}

int dump_model(const DumpArgs& a) {
  std::unique_ptr<Graph> g;
  if (needs_weights(a)) {
    auto [graph, weights] = load_model_with_weights(a.model);
    g = std::move(graph);
    run_selected_passes(*g, weights, a.passes);
    if (!a.weights_out.empty())
      write_safetensors(a.weights_out, used_weights(*g, weights), {{"graph", g->name()}});
  } else {
    g = load_model(a.model);
  }
  write_text_output(render(*g, a.format), a.output);
  return 0;
}

}  // namespace

Command add_dump_command(CLI::App& parent) {
  auto args = std::make_shared<DumpArgs>();
  CLI::App* app = parent.add_subcommand("dump", "Print a model's graph, optionally after passes");
  add_model_argument(*app, args->model);
  app->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "dot"}))
      ->capture_default_str();
  app->add_option("-o,--output", args->output, "Write to FILE instead of stdout")
      ->type_name("FILE");
  add_batch_option(*app, args->model);
  add_weight_options(*app, args->model);
  app->add_option("--weights-out", args->weights_out,
                  "Save the (pass-rewritten) weights as safetensors, to run the dump later")
      ->type_name("FILE");
  add_pass_options(*app, args->passes, DefaultPasses::kNone);
  return {app, [args] { return dump_model(*args); }};
}

}  // namespace kiln::driver
