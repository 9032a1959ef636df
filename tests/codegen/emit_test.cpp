// --emit: per-kernel listings next to the artifact, also when every object is cached.
#include <gtest/gtest.h>

#include <filesystem>

#include "backend/halide/codegen/file_util.h"
#include "tests/runtime/test_artifact.h"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;

TEST(Emit, WritesEveryKindForEveryKernel) {
  const TestModel m = make_test_model();
  const std::string dir = scratch_dir() + "/emit";
  halide::CodegenOptions o;
  o.emit = {"stmt", "html", "asm", "llvm"};
  const halide::ArtifactInfo info = write_test_artifact(m, dir, o);
  ASSERT_EQ(info.emitted.size(), 16u);
  EXPECT_TRUE(std::is_sorted(info.emitted.begin(), info.emitted.end()));
  for (const halide::PlanKernel& k : m.plan.kernels) {
    for (const char* ext : {".stmt", ".html", ".s", ".ll"}) {
      const std::string path = dir + "/emit/" + k.function_name + ext;
      ASSERT_TRUE(fs::exists(path)) << path;
      EXPECT_GT(fs::file_size(path), 100u) << path;
    }
  }
  // Listings show the code that is linked: the cache symbol the plan table calls.
  const std::string manifest = halide::codegen::read_file(info.manifest);
  const std::string asm_text = halide::codegen::read_file(dir + "/emit/kiln_k1_conv2d.s");
  const size_t at = manifest.find("kiln_kernel_", manifest.find("kiln_k1_conv2d"));
  EXPECT_NE(asm_text.find(manifest.substr(at, 28)), std::string::npos);
}

TEST(Emit, RejectsUnknownKinds) {
  halide::CodegenOptions o;
  o.emit = {"stmt", "pdf"};
  EXPECT_THROW(write_test_artifact(make_test_model(), scratch_dir() + "/bad_emit", o),
               std::invalid_argument);
  EXPECT_FALSE(fs::exists(scratch_dir() + "/bad_emit"));
}

}  // namespace
}  // namespace kiln::testing
