#include "frontend/driver/version.h"

#include <fmt/format.h>

#include "backend/halide/codegen/codegen.h"
#include "backend/halide/codegen/kernel_cache.h"

namespace kiln::driver {

std::string version_text() {
  return fmt::format("kiln {} (Halide {})", halide::kiln_version(),
                     halide::codegen::halide_version());
}

}  // namespace kiln::driver
