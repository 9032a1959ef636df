#include "frontend/driver/number_validators.h"

#include <cmath>
#include <cstdlib>
#include <string>

namespace kiln::driver {

CLI::Validator positive_finite_number() {
  return CLI::Validator(
      [](std::string& text) {
        char* end = nullptr;
        const double value = std::strtod(text.c_str(), &end);
        const bool whole = !text.empty() && end == text.c_str() + text.size();
        if (whole && std::isfinite(value) && value > 0) return std::string();
        return "expected a finite number greater than 0, got '" + text + "'";
      },
      "POSITIVE");
}

}  // namespace kiln::driver
