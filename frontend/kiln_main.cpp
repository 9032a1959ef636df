// The `kiln` command-line driver. Exit status: 0 on success, 2 for any
// command-line error (CLI11's, or an option the command would have to ignore),
// 1 when the work itself fails (a bad model, weights or input); each failure
// prints one message to stderr.
#include <CLI/CLI.hpp>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "frontend/driver/command.h"
#include "frontend/driver/pass_options.h"
#include "frontend/driver/usage_error.h"
#include "frontend/driver/usage_hints.h"
#include "frontend/driver/version.h"
#include "ir/error.h"

namespace {

constexpr int kUsageError = 2;
constexpr int kFailure = 1;

void report(const kiln::Error& e) {
  // A located error already reads "file:line:col: error: ...".
  if (e.loc().valid())
    std::cerr << e.what() << "\n";
  else
    std::cerr << "error: " << e.what() << "\n";
}

// CLI11 parses a reversed argument vector.
std::vector<std::string> reversed_args(int argc, char** argv) {
  std::vector<std::string> args =
      kiln::driver::normalize_opt_level(std::vector<std::string>(argv + 1, argv + argc));
  return {args.rbegin(), args.rend()};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("kiln: a compiler for convolutional neural networks", "kiln");
  app.footer("Run 'kiln COMMAND --help' for the options of a command.");
  app.set_version_flag("--version", kiln::driver::version_text());
  try {
    std::vector<kiln::driver::Command> commands = {
        kiln::driver::add_dump_command(app),    kiln::driver::add_run_command(app),
        kiln::driver::add_compile_command(app), kiln::driver::add_import_command(app),
        kiln::driver::add_export_command(app),  kiln::driver::add_info_command(app),
        kiln::driver::add_ops_command(app),     kiln::driver::add_passes_command(app),
        kiln::driver::add_bench_command(app)};
    try {
      app.parse(reversed_args(argc, argv));
    } catch (const CLI::ParseError& e) {
      // CLI11 has a distinct status per error kind; callers only need
      // "usage error", so every one becomes 2 (help and version stay 0).
      return kiln::driver::report_parse_error(app, e) == 0 ? 0 : kUsageError;
    }
    for (const kiln::driver::Command& c : commands)
      if (c.app->parsed()) return c.run();
    // Checked here rather than with CLI11's require_subcommand, which would
    // report a misspelt command as a missing one instead of naming it.
    app.exit(CLI::RequiredError(
        "A subcommand (compile, run, bench, dump, info, import, export, ops or passes)"));
    return kUsageError;
  } catch (const kiln::driver::UsageError& e) {
    report(e);
    return kUsageError;
  } catch (const kiln::Error& e) {
    report(e);
  } catch (const std::bad_alloc&) {
    // Where the library knows which tensor it was, it says so (kiln::allocating).
    std::cerr << "error: out of memory\n";
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
  }
  return kFailure;
}
