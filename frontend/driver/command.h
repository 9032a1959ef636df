// The driver's subcommands. Each add_*_command registers a CLI11 subcommand
// with its options on the parent app and returns what to run when the user
// picked it; options are bound to state owned by the returned closure, so
// nothing runs during parsing and every error surfaces in main's handlers.
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace kiln::driver {

struct Command {
  CLI::App* app;
  // The exit status.
  std::function<int()> run;
};

Command add_dump_command(CLI::App& parent);
Command add_run_command(CLI::App& parent);
Command add_compile_command(CLI::App& parent);
Command add_import_command(CLI::App& parent);
Command add_export_command(CLI::App& parent);
Command add_info_command(CLI::App& parent);
Command add_ops_command(CLI::App& parent);
Command add_passes_command(CLI::App& parent);
Command add_bench_command(CLI::App& parent);

}  // namespace kiln::driver
