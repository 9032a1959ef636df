// The C example of docs/runtime.md, compiled as C99 by the system C compiler against
// kiln_runtime.h and libkiln_runtime.a, run on the test artifact, and checked against the naive
// reference. The docs must quote the example verbatim, so they cannot drift from what is tested.
#include <gtest/gtest.h>

#include "backend/halide/codegen/file_util.h"
#include "backend/halide/codegen/subprocess.h"
#include "tests/runtime/example_program.h"
#include "tests/runtime/test_artifact.h"

namespace kiln::testing {
namespace {

const std::string kExample = KILN_SOURCE_DIR "/tests/runtime/classify_example.c";

TEST(CExample, CompilesAsC99AndClassifies) {
  const std::string exe = scratch_dir() + "/classify";
  halide::codegen::run_command(
      {"cc", "-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror",
       "-I" KILN_SOURCE_DIR "/runtime", kExample, KILN_BINARY_DIR "/runtime/libkiln_runtime.a",
       "-lstdc++", "-lm", "-ldl", "-lpthread", "-o", exe},
      scratch_dir());
  const std::string out = halide::codegen::run_command({exe, test_artifact()}, scratch_dir());
  EXPECT_EQ(out, example_output());
}

TEST(CExample, ReportsLoadErrors) {
  const std::string exe = scratch_dir() + "/classify_err";
  halide::codegen::run_command(
      {"cc", "-std=c99", "-I" KILN_SOURCE_DIR "/runtime", kExample,
       KILN_BINARY_DIR "/runtime/libkiln_runtime.a", "-lstdc++", "-lm", "-ldl", "-o", exe},
      scratch_dir());
  expect_example_reports_missing_artifact(exe, scratch_dir());
}

TEST(CExample, DocsQuoteTheTestedExample) {
  const std::string docs = halide::codegen::read_file(KILN_SOURCE_DIR "/docs/runtime.md");
  const std::string example = halide::codegen::read_file(kExample);
  EXPECT_NE(docs.find("```c\n" + example + "```\n"), std::string::npos)
      << "docs/runtime.md must contain tests/runtime/classify_example.c verbatim in a ```c block";
  const std::string readme = halide::codegen::read_file(KILN_SOURCE_DIR "/README.md");
  EXPECT_NE(readme.find("```c\n" + example + "```\n"), std::string::npos)
      << "README.md must contain tests/runtime/classify_example.c verbatim in a ```c block";
}

}  // namespace
}  // namespace kiln::testing
