// Options that parse but would be silently ignored by what the command ends up doing: those
// that shape compilation, given with an artifact directory (compiled already), and those only
// native code honours, given with the reference backend. Ignoring one would run something
// other than asked for, so they are refused instead.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace kiln::driver {

// The names of the options of `app` in help group `group` ("--target", ...).
std::vector<std::string> option_names_in_group(const CLI::App& app, const std::string& group);

// Options that shape compilation (batch, weights, target, ...).
const std::vector<std::string>& compile_only_options();

// Throws UsageError "OPT cannot be used with an artifact directory (DIR is compiled already)"
// for the first of `options` given on `app`'s command line.
void refuse_with_artifact(const CLI::App& app, const std::string& dir,
                          const std::vector<std::string>& options);

// Throws UsageError "OPT needs --backend=halide: ..." for the first of `options` given on
// `app`'s command line.
void refuse_with_reference_backend(const CLI::App& app, const std::vector<std::string>& options);

}  // namespace kiln::driver
