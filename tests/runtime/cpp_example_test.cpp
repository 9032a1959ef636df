// The C++ example of docs/runtime.md, built the way the docs say (-I runtime, nothing else) against
// kiln_runtime.hpp and libkiln_runtime.a, run on the test artifact. The wrapper used to include
// "runtime/kiln_runtime.h", which only resolves with the repository root on the include path.
// The example is a .cc file because every tests/runtime/*.cpp is part of the test binary.
#include <gtest/gtest.h>

#include "backend/halide/codegen/file_util.h"
#include "backend/halide/codegen/subprocess.h"
#include "tests/runtime/example_program.h"
#include "tests/runtime/test_artifact.h"

namespace kiln::testing {
namespace {

const std::string kExample = KILN_SOURCE_DIR "/tests/runtime/classify_example.cc";

std::string build_example(const std::string& name) {
  const std::string exe = scratch_dir() + "/" + name;
  halide::codegen::run_command(
      {"c++", "-std=c++17", "-Wall", "-Wextra", "-Werror", "-I" KILN_SOURCE_DIR "/runtime",
       kExample, KILN_BINARY_DIR "/runtime/libkiln_runtime.a", "-ldl", "-pthread", "-o", exe},
      scratch_dir());
  return exe;
}

TEST(CppExample, BuildsWithOnlyTheRuntimeDirectoryAndClassifies) {
  const std::string exe = build_example("classify_cpp");
  EXPECT_EQ(halide::codegen::run_command({exe, test_artifact()}, scratch_dir()), example_output());
}

TEST(CppExample, ReportsLoadErrorsFromTheException) {
  const std::string exe = build_example("classify_cpp_err");
  expect_example_reports_missing_artifact(exe, scratch_dir());
}

TEST(CppExample, DocsQuoteTheTestedExample) {
  const std::string docs = halide::codegen::read_file(KILN_SOURCE_DIR "/docs/runtime.md");
  const std::string example = halide::codegen::read_file(kExample);
  EXPECT_NE(docs.find("```cpp\n" + example + "```\n"), std::string::npos)
      << "docs/runtime.md must contain tests/runtime/classify_example.cc verbatim in a ```cpp "
         "block";
  EXPECT_NE(docs.find("c++ -std=c++17 -I runtime classify.cpp build/runtime/libkiln_runtime.a"),
            std::string::npos)
      << "docs/runtime.md must give the C++ build line this test uses";
}

}  // namespace
}  // namespace kiln::testing
