// What `kiln --version` prints.
#pragma once

#include <string>

namespace kiln::driver {

// "kiln 0.1.0 (Halide 14.0.0)": Kiln's version as stamped into artifacts (a runtime loads only
// artifacts of its own version), and the Halide that generates the kernels.
std::string version_text();

}  // namespace kiln::driver
