#include "frontend/driver/usage_hints.h"

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "frontend/spelling.h"

namespace kiln::driver {

namespace {

// The subcommand whose options the unexpected arguments were meant for, else the app itself.
const CLI::App& parsed_command(const CLI::App& app) {
  std::vector<CLI::App*> chosen = app.get_subcommands();
  return chosen.empty() ? app : *chosen.front();
}

// "--threads", "-O", ...: every spelling of every option of `command`.
std::vector<std::string> option_spellings(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::Option* o : command.get_options()) {
    for (const std::string& n : o->get_lnames()) names.push_back("--" + n);
    for (const std::string& n : o->get_snames()) names.push_back("-" + n);
  }
  return names;
}

// "The following arguments were not expected: --thread 2", in the order given (CLI11 lists
// them reversed, having been handed the reversed argument vector main parses).
std::string unexpected(const std::vector<std::string>& extras) {
  std::string text = extras.size() > 1 ? "The following arguments were not expected:"
                                       : "The following argument was not expected:";
  for (const std::string& arg : extras) text += " " + arg;
  return text;
}

// "; did you mean --threads?" for the first unexpected option close to one of `command`'s.
std::string suggestion(const CLI::App& command, const std::vector<std::string>& extras) {
  const std::vector<std::string> names = option_spellings(command);
  for (const std::string& arg : extras) {
    if (arg.size() < 2 || arg[0] != '-') continue;
    const std::string option = arg.substr(0, arg.find('='));
    if (std::string best = closest_name(option, names); !best.empty())
      return "; did you mean " + best + "?";
  }
  return "";
}

}  // namespace

int report_parse_error(const CLI::App& app, const CLI::ParseError& e) {
  if (dynamic_cast<const CLI::ExtrasError*>(&e) == nullptr) return app.exit(e);
  const CLI::App& command = parsed_command(app);
  const std::vector<std::string> extras = command.remaining();
  if (extras.empty()) return app.exit(e);
  return app.exit(CLI::ExtrasError(unexpected(extras) + suggestion(command, extras),
                                   CLI::ExitCodes::ExtrasError));
}

}  // namespace kiln::driver
