#include "frontend/driver/option_conflicts.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "frontend/driver/usage_error.h"

namespace kiln::driver {

namespace {

// The first of `options` given on `app`'s command line, or "".
std::string first_given(const CLI::App& app, const std::vector<std::string>& options) {
  for (const std::string& opt : options)
    if (app.count(opt) > 0) return opt;
  return "";
}

}  // namespace

std::vector<std::string> option_names_in_group(const CLI::App& app, const std::string& group) {
  std::vector<std::string> names;
  for (const CLI::Option* o :
       app.get_options([&](const CLI::Option* o) { return o->get_group() == group; }))
    names.push_back(o->get_name());
  return names;
}

const std::vector<std::string>& compile_only_options() {
  static const std::vector<std::string> options = {
      "--batch", "--target",    "--weights",       "--allow-extra-weights",
      "--jobs",  "--scheduler", "--conv-algorithm"};
  return options;
}

void refuse_with_artifact(const CLI::App& app, const std::string& dir,
                          const std::vector<std::string>& options) {
  if (std::string opt = first_given(app, options); !opt.empty())
    throw UsageError(fmt::format(
        "{} cannot be used with an artifact directory ({} is compiled already)", opt, dir));
}

void refuse_with_reference_backend(const CLI::App& app, const std::vector<std::string>& options) {
  if (std::string opt = first_given(app, options); !opt.empty())
    throw UsageError(fmt::format(
        "{} needs --backend=halide: the reference interpreter runs no native code, so it would "
        "be ignored",
        opt));
}

}  // namespace kiln::driver
