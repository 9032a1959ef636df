// Failures of the work itself (bad model, weights or inputs) exit 1 with one
// message on stderr: located errors as "file:line:col: error: ...", others
// as "error: ...".
#include <gtest/gtest.h>

#include <filesystem>

#include "frontend/npy.h"
#include "frontend/parser.h"
#include "frontend/safetensors.h"
#include "frontend/weight_init.h"
#include "tests/driver/kiln_process.h"
#include "tests/driver/test_models.h"

namespace kiln::testing {
namespace {

constexpr const char* kMalformed = R"(graph @bad {
  %x = input() : f32[1,4]
  %y = relu(%x) : f32[1,4]
  %z = rleu(%y) : f32[1,4]
  output %z
}
)";

void expect_failure(const KilnResult& r, const std::string& mention) {
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.err.find(mention), std::string::npos) << r.err;
  EXPECT_EQ(count_of(r.err, "error: "), 1) << r.err;
}

TEST(DriverErrors, MalformedModelReportsFileLineColumnOnce) {
  ScratchDir dir;
  std::string path = dir.write("bad.kir", kMalformed);
  for (std::string sub : {"dump", "run", "info"}) {
    KilnResult r = run_kiln({sub, path});
    expect_failure(r, path + ":4:8: error: unknown op 'rleu'");
    EXPECT_NE(r.err.find("did you mean 'relu'"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "") << sub;
  }
}

TEST(DriverErrors, VerifierErrorsAreLocated) {
  ScratchDir dir;
  std::string path = dir.write("mistyped.kir", R"(graph @mistyped {
  %x = input() : f32[1,4]
  %y = relu(%x) : f32[1,5]
  output %y
}
)");
  KilnResult r = run_kiln({"dump", path});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err.rfind(path + ":3:", 0), 0u) << r.err;
}

TEST(DriverErrors, MissingModelFileExitsOne) {
  ScratchDir dir;
  KilnResult r = run_kiln({"dump", dir.file("absent.kir")});
  expect_failure(r, "absent.kir");
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
}

TEST(DriverErrors, MissingModelFileSaysWhy) {
  ScratchDir dir;
  expect_failure(
      run_kiln({"run", dir.file("nosuch.kir")}),
      "cannot read model file '" + dir.file("nosuch.kir") + "': No such file or directory");
}

// `kiln compile resnet50 -o resnet50` leaves a directory that hides the zoo model from the
// commands run next to it: paths come first, but the message says how to reach the zoo model.
TEST(DriverErrors, DirectoryShadowingAZooModelSaysHowToReachIt) {
  ScratchDir dir;
  std::filesystem::create_directories(dir.file("zoo"));
  const std::string zoo_model = dir.write("zoo/tiny.kir", kTinyDense);
  std::filesystem::create_directories(dir.file("tiny"));
  for (std::string sub : {"info", "dump", "compile"}) {
    std::vector<std::string> args = {sub, "tiny"};
    if (sub == "compile") args.insert(args.end(), {"-o", dir.file("out")});
    KilnResult r = run_kiln_in(dir.path(), args, {{"KILN_MODELS", dir.file("zoo")}});
    expect_failure(r, "model 'tiny' is a directory");
    EXPECT_NE(r.err.find("a path takes priority over the zoo model of that name: to use the zoo "
                         "model, give its path (" +
                         zoo_model + ")"),
              std::string::npos)
        << sub << ": " << r.err;
  }
}

// A directory holding part of an artifact: say which file is missing, not "not a .kir file".
TEST(DriverErrors, IncompleteArtifactNamesTheMissingFiles) {
  ScratchDir dir;
  const std::string artifact = dir.file("art");
  std::filesystem::create_directories(artifact);
  dir.write("art/manifest.json", "{}");
  dir.write("art/weights.bin", "");
  for (std::string sub : {"run", "bench"}) {
    KilnResult r = run_kiln({sub, artifact});
    expect_failure(r, "model '" + artifact + "' is an incomplete artifact directory: " + artifact +
                          "/libkiln_model.so, " + artifact + "/kiln_model.h are missing");
  }
}

// Checked before the model runs: a large model used to run to completion first.
TEST(DriverErrors, OutputDirThatIsAFileFailsBeforeRunning) {
  ScratchDir dir;
  std::string model = dir.write("tiny.kir", kTinyDense);
  std::string file = dir.write("afile", "");
  for (const std::string& out : {file, file + "/sub"}) {
    KilnResult r = run_kiln({"run", model, "--output-dir", out});
    expect_failure(r, "--output-dir: cannot write to '" + out + "': ");
    EXPECT_NE(r.err.find("is not a directory"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "") << "nothing may run first";
  }
}

TEST(DriverErrors, UnknownZooNameListsTheZoo) {
  KilnResult r = run_kiln({"info", "resnet51"});
  expect_failure(r, "unknown model 'resnet51'");
  EXPECT_NE(r.err.find("resnet50"), std::string::npos) << r.err;
}

TEST(DriverErrors, InputOfWrongShapeNamesTheInputAndBothShapes) {
  ScratchDir dir;
  std::string model = dir.write("tiny.kir", kTinyDense);
  write_npy(dir.file("x.npy"), Tensor(TensorType({1, 4}), {1, 2, 3, 4}));
  KilnResult r = run_kiln({"run", model, "--input", "x=" + dir.file("x.npy")});
  expect_failure(r, "input %x");
  EXPECT_NE(r.err.find("f32[1,4]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("f32[1,3]"), std::string::npos) << r.err;
}

TEST(DriverErrors, InputWithAnotherBatchSuggestsTheBatchOption) {
  ScratchDir dir;
  std::string model = dir.write("tiny.kir", kTinyDense);
  write_npy(dir.file("x.npy"), Tensor(TensorType({2, 3}), {1, 2, 3, 4, 5, 6}));
  KilnResult r = run_kiln({"run", model, "--input", "x=" + dir.file("x.npy")});
  expect_failure(r, "--batch 2");
  EXPECT_EQ(run_kiln({"run", model, "--batch", "2", "--input", "x=" + dir.file("x.npy")}).status,
            0);
}

TEST(DriverErrors, InputForAnUnknownNameListsTheInputs) {
  ScratchDir dir;
  std::string model = dir.write("tiny.kir", kTinyDense);
  write_npy(dir.file("x.npy"), Tensor(TensorType({1, 3}), {1, 2, 3}));
  KilnResult r = run_kiln({"run", model, "--input", "data=" + dir.file("x.npy")});
  expect_failure(r, "no input %data");
  EXPECT_NE(r.err.find("%x f32[1,3]"), std::string::npos) << r.err;
}

TEST(DriverErrors, MissingInputFileExitsOne) {
  ScratchDir dir;
  std::string model = dir.write("tiny.kir", kTinyDense);
  KilnResult r = run_kiln({"run", model, "--input", "x=" + dir.file("absent.npy")});
  expect_failure(r, "absent.npy");
}

TEST(DriverErrors, WeightsMissingATensorExitOne) {
  ScratchDir dir;
  std::string model = dir.write("tiny.kir", kTinyDense);
  WeightMap weights = seeded_weights(*parse_graph(kTinyDense));
  weights.erase("fc.bias");
  write_safetensors(dir.file("w.safetensors"), weights);
  KilnResult r = run_kiln({"run", model, "--weights", dir.file("w.safetensors")});
  expect_failure(r, "fc.bias");
}

TEST(DriverErrors, CorruptWeightsFileExitsOne) {
  ScratchDir dir;
  std::string model = dir.write("tiny.kir", kTinyDense);
  std::string weights = dir.write("w.safetensors", "not a safetensors file");
  expect_failure(run_kiln({"dump", model, "--weights", weights}), "w.safetensors");
}

// An ifstream opens a directory and reports it as 2^63-1 bytes long.
TEST(DriverErrors, WeightsThatAreADirectorySaySo) {
  ScratchDir dir;
  std::string model = dir.write("tiny.kir", kTinyDense);
  KilnResult r = run_kiln({"run", model, "--weights", dir.path()});
  expect_failure(r, dir.path() + ": is a directory, not a safetensors file");
  EXPECT_EQ(r.err.find("9223372036854775807"), std::string::npos) << r.err;
}

// 2^48 floats: beyond any address space, so the allocation fails whatever the overcommit policy.
TEST(DriverErrors, TensorTooLargeForMemoryIsNamed) {
  ScratchDir dir;
  std::string model = dir.write("huge.kir", R"(graph @huge {
  %x = input() : f32[1,65536,65536,65536]
  %r = relu(%x) : f32[1,65536,65536,65536]
  output %r
}
)");
  KilnResult r = run_kiln({"run", model});
  expect_failure(r,
                 "out of memory allocating input %x f32[1,65536,65536,65536] "
                 "(1125899906842624 bytes)");
  EXPECT_EQ(r.err.find("bad_alloc"), std::string::npos) << r.err;
}

TEST(DriverErrors, UnwritableOutputExitsOne) {
  ScratchDir dir;
  std::string model = dir.write("tiny.kir", kTinyDense);
  expect_failure(run_kiln({"dump", model, "-o", dir.file("no/such/dir/out.kir")}), "out.kir");
}

TEST(DriverErrors, KeepOutputsMustNameGraphOutputs) {
  ScratchDir dir;
  std::string model = dir.write("smallnet.kir", kSmallNet);
  expect_failure(run_kiln({"dump", model, "-O", "--keep-outputs=relu1"}), "%relu1");
}

}  // namespace
}  // namespace kiln::testing
