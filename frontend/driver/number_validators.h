// CLI11 validators for floating-point flags. CLI11's own PositiveNumber lets "nan" through
// (no comparison with NaN fails) and its range message prints DBL_MAX in all 309 digits.
#pragma once

#include <CLI/CLI.hpp>

namespace kiln::driver {

// A finite number > 0; CLI11 prefixes the error with the flag's name.
CLI::Validator positive_finite_number();

}  // namespace kiln::driver
