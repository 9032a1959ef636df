// `cmake --install` into a scratch prefix gives a usable kit: the driver, and the runtime's
// library and headers, against which the docs' C and C++ examples build with only the installed
// include/ and lib/ and load an artifact. There were no install rules at all.
#include <gtest/gtest.h>

#include <filesystem>

#include "backend/halide/codegen/subprocess.h"
#include "tests/runtime/test_artifact.h"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;

// The build tree installed once per process.
const std::string& installed_prefix() {
  static const std::string prefix = [] {
    const std::string p = scratch_dir() + "/prefix";
    halide::codegen::run_command({KILN_CMAKE_COMMAND, "--install", KILN_BINARY_DIR, "--prefix", p},
                                 scratch_dir());
    return p;
  }();
  return prefix;
}

// The static library wherever GNUInstallDirs put it (lib, lib64, lib/<multiarch>).
std::string installed_runtime_library() {
  for (const auto& entry : fs::recursive_directory_iterator(installed_prefix())) {
    if (entry.path().filename() == "libkiln_runtime.a") return entry.path().string();
  }
  return "";
}

TEST(Install, InstallsTheDriverTheRuntimeLibraryAndItsHeaders) {
  const std::string prefix = installed_prefix();
  EXPECT_TRUE(fs::exists(prefix + "/bin/kiln"));
  EXPECT_TRUE(fs::exists(prefix + "/include/kiln_runtime.h"));
  EXPECT_TRUE(fs::exists(prefix + "/include/kiln_runtime.hpp"));
  EXPECT_NE(installed_runtime_library(), "");
}

TEST(Install, CExampleBuildsAgainstTheInstalledRuntime) {
  const std::string exe = scratch_dir() + "/installed_classify";
  halide::codegen::run_command(
      {"cc", "-std=c99", "-I", installed_prefix() + "/include",
       KILN_SOURCE_DIR "/tests/runtime/classify_example.c", installed_runtime_library(), "-lstdc++",
       "-lm", "-ldl", "-lpthread", "-o", exe},
      scratch_dir());
  EXPECT_EQ(halide::codegen::run_command({exe, test_artifact()}, scratch_dir()), example_output());
}

TEST(Install, CppExampleBuildsAgainstTheInstalledRuntime) {
  const std::string exe = scratch_dir() + "/installed_classify_cpp";
  halide::codegen::run_command({"c++", "-std=c++17", "-I", installed_prefix() + "/include",
                                KILN_SOURCE_DIR "/tests/runtime/classify_example.cc",
                                installed_runtime_library(), "-ldl", "-pthread", "-o", exe},
                               scratch_dir());
  EXPECT_EQ(halide::codegen::run_command({exe, test_artifact()}, scratch_dir()), example_output());
}

TEST(Install, InstalledDriverRunsAnArtifact) {
  const std::string out = halide::codegen::run_command(
      {installed_prefix() + "/bin/kiln", "run", test_artifact()}, scratch_dir());
  EXPECT_NE(out.find("scores"), std::string::npos) << out;
}

}  // namespace
}  // namespace kiln::testing
