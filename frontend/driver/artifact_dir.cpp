#include "frontend/driver/artifact_dir.h"

#include <filesystem>

#include "backend/halide/codegen/codegen.h"
#include "backend/halide/codegen/link_stage.h"

namespace fs = std::filesystem;

namespace kiln::driver {

bool is_artifact_dir(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec) &&
         fs::exists(fs::path(path) / halide::codegen::kLibraryFile, ec);
}

std::vector<std::string> missing_artifact_files(const std::string& dir) {
  std::vector<std::string> missing;
  for (const std::string& f : halide::artifact_file_names()) {
    std::error_code ec;
    const fs::path p = fs::path(dir) / f;
    if (!fs::exists(p, ec)) missing.push_back(p.string());
  }
  if (missing.size() == halide::artifact_file_names().size()) return {};
  return missing;
}

}  // namespace kiln::driver
