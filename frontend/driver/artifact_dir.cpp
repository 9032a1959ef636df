#include "frontend/driver/artifact_dir.h"

#include <filesystem>

#include "backend/halide/codegen/link_stage.h"
#include "backend/halide/codegen/manifest.h"
#include "backend/halide/codegen/model_header.h"
#include "runtime/weights_file.h"

namespace fs = std::filesystem;

namespace kiln::driver {

namespace {

const std::vector<std::string>& artifact_files() {
  static const std::vector<std::string> files = {halide::codegen::kLibraryFile,
                                                 halide::codegen::kModelHeaderFile,
                                                 rt::kWeightsFile, halide::codegen::kManifestFile};
  return files;
}

}  // namespace

bool is_artifact_dir(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec) &&
         fs::exists(fs::path(path) / halide::codegen::kLibraryFile, ec);
}

std::vector<std::string> missing_artifact_files(const std::string& dir) {
  std::vector<std::string> missing;
  for (const std::string& f : artifact_files()) {
    std::error_code ec;
    const fs::path p = fs::path(dir) / f;
    if (!fs::exists(p, ec)) missing.push_back(p.string());
  }
  if (missing.size() == artifact_files().size()) return {};
  return missing;
}

}  // namespace kiln::driver
