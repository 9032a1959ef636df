// `kiln info`: op counts, parameters, FLOPs and activation memory of a model.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "backend/halide/lower_graph.h"
#include "frontend/driver/command.h"
#include "frontend/driver/model_options.h"
#include "frontend/driver/pass_options.h"
#include "frontend/graph_stats.h"

namespace kiln::driver {

namespace {

struct InfoArgs {
  ModelOptions model;
  bool json = false;
  PassFlags passes;
};

// The Halide backend's arena for this graph: what liveness-based planning
// (and in-place concats) save against keeping every intermediate.
struct ArenaFigures {
  int64_t arena_bytes = 0, intermediate_bytes = 0;
};

ArenaFigures plan_arena(const Graph& g, const WeightMap& weights) {
  halide::Plan plan = halide::lower_graph(g, weights, Halide::get_host_target());
  return {plan.arena_floats * 4, plan.intermediate_floats * 4};
}

// 25557032 -> "25,557,032": exact figures stay readable next to the rounded ones.
std::string group_digits(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

void print_op_table(const GraphStats& s) {
  fmt::print("{:<20} {:>8}\n", "op", "count");
  for (const auto& [op, count] : s.op_counts) fmt::print("{:<20} {:>8}\n", op, count);
  fmt::print("{:<20} {:>8}\n", "total", s.nodes);
  if (s.fused_counts.empty()) return;
  fmt::print("\n{:<20} {:>8}\n", "fused", "count");
  for (const auto& [label, count] : s.fused_counts) fmt::print("{:<20} {:>8}\n", label, count);
}

void print_table(const Graph& g, const GraphStats& s, const ArenaFigures* arena) {
  fmt::print("model @{}, batch {}\n\n", g.name(), batch_of(g));
  print_op_table(s);
  fmt::print("\n{:<20} {} ({}, {})\n", "parameters", format_count(s.parameters),
             group_digits(s.parameters), format_bytes(s.parameter_bytes));
  fmt::print("{:<20} {:.2f} GFLOP ({})\n", "FLOPs", s.flops / 1e9, group_digits(s.flops));
  fmt::print("{:<20} {} (every non-weight value, no reuse)\n", "activation memory",
             format_bytes(s.activation_bytes));
  if (!s.largest_activation.empty())
    fmt::print("{:<20} %{} {} ({})\n", "largest activation", s.largest_activation,
               s.largest_activation_type.str(),
               format_bytes(s.largest_activation_type.size_bytes()));
  if (arena)
    fmt::print("{:<20} {} for {} of intermediate tensors (Halide plan, host target)\n", "arena",
               format_bytes(arena->arena_bytes), format_bytes(arena->intermediate_bytes));
}

nlohmann::ordered_json stats_json(const Graph& g, const GraphStats& s, const ArenaFigures* arena) {
  nlohmann::ordered_json largest = nullptr;
  if (!s.largest_activation.empty())
    largest = {{"name", s.largest_activation},
               {"shape", s.largest_activation_type.dims},
               {"bytes", s.largest_activation_type.size_bytes()}};
  return {
      {"name", g.name()},
      {"batch", batch_of(g)},
      {"nodes", s.nodes},
      {"op_counts", s.op_counts},
      {"fused_counts", s.fused_counts},
      {"parameters", s.parameters},
      {"parameter_bytes", s.parameter_bytes},
      {"flops", s.flops},
      {"gflops", s.flops / 1e9},
      {"activation_bytes", s.activation_bytes},
      {"largest_activation", largest},
      {"arena_bytes", arena ? nlohmann::ordered_json(arena->arena_bytes) : nullptr},
      {"intermediate_bytes", arena ? nlohmann::ordered_json(arena->intermediate_bytes) : nullptr}};
}

int show_info(const InfoArgs& a) {
  // With passes the figures are those of the optimised graph, and the
  // backend's memory plan can be reported: it needs the weights to lower.
  std::unique_ptr<Graph> g;
  std::optional<ArenaFigures> arena;
  if (!selected_passes(a.passes).empty()) {
    auto [graph, weights] = load_model_with_weights(a.model);
    g = std::move(graph);
    run_selected_passes(*g, weights, a.passes);
    arena = plan_arena(*g, weights);
  } else {
    g = load_model(a.model);
  }
  GraphStats s = compute_graph_stats(*g);
  const ArenaFigures* figures = arena ? &*arena : nullptr;
  if (a.json)
    std::cout << stats_json(*g, s, figures).dump(2) << "\n";
  else
    print_table(*g, s, figures);
  return 0;
}

}  // namespace

Command add_info_command(CLI::App& parent) {
  auto args = std::make_shared<InfoArgs>();
  CLI::App* app =
      parent.add_subcommand("info", "Op counts, parameters, FLOPs and activation memory");
  add_model_argument(*app, args->model);
  add_batch_option(*app, args->model);
  add_weight_options(*app, args->model);
  add_pass_options(*app, args->passes, DefaultPasses::kNone);
  app->add_flag("--json", args->json, "Print the figures as JSON");
  return {app, [args] { return show_info(*args); }};
}

}  // namespace kiln::driver
