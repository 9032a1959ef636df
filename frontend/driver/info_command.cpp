// `kiln info`: op counts, parameters, FLOPs and activation memory of a model.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "frontend/driver/command.h"
#include "frontend/driver/model_options.h"
#include "frontend/graph_stats.h"

namespace kiln::driver {

namespace {

struct InfoArgs {
  ModelOptions model;
  bool json = false;
};

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

void print_table(const Graph& g, const GraphStats& s) {
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
}

nlohmann::ordered_json stats_json(const Graph& g, const GraphStats& s) {
  nlohmann::ordered_json largest = nullptr;
  if (!s.largest_activation.empty())
    largest = {{"name", s.largest_activation},
               {"shape", s.largest_activation_type.dims},
               {"bytes", s.largest_activation_type.size_bytes()}};
  return {{"name", g.name()},
          {"batch", batch_of(g)},
          {"nodes", s.nodes},
          {"op_counts", s.op_counts},
          {"fused_counts", s.fused_counts},
          {"parameters", s.parameters},
          {"parameter_bytes", s.parameter_bytes},
          {"flops", s.flops},
          {"gflops", s.flops / 1e9},
          {"activation_bytes", s.activation_bytes},
          {"largest_activation", largest}};
}

int show_info(const InfoArgs& a) {
  std::unique_ptr<Graph> g = load_model(a.model);
  GraphStats s = compute_graph_stats(*g);
  if (a.json)
    std::cout << stats_json(*g, s).dump(2) << "\n";
  else
    print_table(*g, s);
  return 0;
}

}  // namespace

Command add_info_command(CLI::App& parent) {
  auto args = std::make_shared<InfoArgs>();
  CLI::App* app =
      parent.add_subcommand("info", "Op counts, parameters, FLOPs and activation memory");
  add_model_argument(*app, args->model);
  add_batch_option(*app, args->model);
  app->add_flag("--json", args->json, "Print the figures as JSON");
  return {app, [args] { return show_info(*args); }};
}

}  // namespace kiln::driver
