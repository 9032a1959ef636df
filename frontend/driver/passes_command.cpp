// `kiln passes`: the registered passes and the -O pipeline.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "frontend/driver/command.h"
#include "passes/pass_manager.h"

namespace kiln::driver {

namespace {

int list_passes() {
  std::vector<std::unique_ptr<Pass>> passes = all_passes();
  size_t width = 0;
  for (const auto& p : passes) width = std::max(width, p->name().size());
  for (const auto& p : passes) fmt::print("{:<{}}  {}\n", p->name(), width, p->description());
  std::string pipeline;
  for (const std::string& name : default_pipeline())
    pipeline += (pipeline.empty() ? "" : ",") + name;
  fmt::print("\n-O runs: {}\n", pipeline.empty() ? "(no passes)" : pipeline);
  return 0;
}

}  // namespace

Command add_passes_command(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand("passes", "List the graph passes and the -O pipeline");
  return {app, [] { return list_passes(); }};
}

}  // namespace kiln::driver
