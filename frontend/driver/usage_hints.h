// Parse errors as `kiln` reports them: CLI11's message; for arguments that were not expected,
// listed in the order given and followed by the option the user probably meant ("--thread 2":
// did you mean --threads?).
#pragma once

namespace CLI {
class App;
class ParseError;
}  // namespace CLI

namespace kiln::driver {

// Prints `e`, raised parsing `app`'s command line, to stderr (help and version to stdout) and
// returns CLI11's exit status for it.
int report_parse_error(const CLI::App& app, const CLI::ParseError& e);

}  // namespace kiln::driver
