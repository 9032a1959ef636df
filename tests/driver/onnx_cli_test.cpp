// ONNX through the command line: `kiln export`, `kiln import`, and a .onnx
// file wherever a MODEL is taken, all computing the same outputs.
#include <gtest/gtest.h>

#include <filesystem>

#include "frontend/npy.h"
#include "tests/driver/kiln_process.h"

namespace kiln::testing {
namespace {

Tensor output_of(const ScratchDir& dir, const std::vector<std::string>& args,
                 const std::string& sub) {
  std::vector<std::string> full = args;
  full.insert(full.end(), {"--output-dir", dir.file(sub)});
  KilnResult r = run_kiln(full);
  EXPECT_EQ(r.status, 0) << r.err;
  return read_npy(dir.file(sub + "/prob.npy"));
}

TEST(OnnxCli, ExportImportAndRunAgree) {
  ScratchDir dir;
  KilnResult exported = run_kiln({"export", "nin", "-o", dir.file("nin.onnx")});
  ASSERT_EQ(exported.status, 0) << exported.err;
  KilnResult imported = run_kiln({"import", dir.file("nin.onnx"), "-o", dir.file("nin.kir")});
  ASSERT_EQ(imported.status, 0) << imported.err;
  EXPECT_TRUE(std::filesystem::exists(dir.file("nin.kir.safetensors")));

  Tensor original = output_of(dir, {"run", "nin"}, "original");
  Tensor from_onnx = output_of(dir, {"run", dir.file("nin.onnx")}, "onnx");
  Tensor from_text = output_of(
      dir, {"run", dir.file("nin.kir"), "--weights", dir.file("nin.kir.safetensors")}, "text");
  EXPECT_EQ(original.data, from_onnx.data);
  EXPECT_EQ(original.data, from_text.data);
}

TEST(OnnxCli, CorruptOnnxFileExitsOne) {
  ScratchDir dir;
  std::string path = dir.write("bad.onnx", "this is not a protobuf");
  KilnResult r = run_kiln({"info", path});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("bad.onnx"), std::string::npos) << r.err;
}

TEST(OnnxCli, ImportNeedsAnOutput) {
  KilnResult r = run_kiln({"import", "/nonexistent.onnx"});
  EXPECT_EQ(r.status, 2);
}

}  // namespace
}  // namespace kiln::testing
