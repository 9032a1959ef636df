// Running the system C compiler and linker: posix_spawn (no shell, so paths and names need no
// quoting), output captured so a failure reports the command together with its diagnostics.
#pragma once

#include <string>
#include <vector>

namespace kiln::halide::codegen {

// Runs argv[0] (looked up in PATH) in directory `cwd` and waits for it. Throws
// std::runtime_error quoting the command line, its exit status and its stderr/stdout if it
// cannot be started or does not exit with status 0. Returns its (merged) output otherwise.
std::string run_command(const std::vector<std::string>& argv, const std::string& cwd);

// The command line as a shell would show it (for messages only).
std::string command_line(const std::vector<std::string>& argv);

}  // namespace kiln::halide::codegen
