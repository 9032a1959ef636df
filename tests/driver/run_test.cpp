// `kiln run` on handwritten models: exact output values, the report, batch
// and seeds.
#include <gtest/gtest.h>

#include "frontend/npy.h"
#include "frontend/parser.h"
#include "frontend/safetensors.h"
#include "tests/driver/kiln_process.h"
#include "tests/driver/test_models.h"

namespace kiln::testing {
namespace {

class DriverRun : public ::testing::Test {
 protected:
  void SetUp() override {
    tiny_ = dir_.write("tiny.kir", kTinyDense);
    smallnet_ = dir_.write("smallnet.kir", kSmallNet);
    write_safetensors(dir_.file("tiny.safetensors"),
                      {{"fc.weight", Tensor(TensorType({2, 3}), {1, 0, -1, 0.5, 0.5, 0.5})},
                       {"fc.bias", Tensor(TensorType({2}), {0.5, 1})}});
    write_npy(dir_.file("x.npy"), Tensor(TensorType({1, 3}), {1, 2, 3}));
  }

  KilnResult run(std::vector<std::string> args) {
    args.insert(args.begin(), "run");
    KilnResult r = run_kiln(args);
    EXPECT_EQ(r.status, 0) << r.err;
    return r;
  }

  KilnResult run_tiny(const std::string& output_dir) {
    return run({tiny_, "--weights", dir_.file("tiny.safetensors"), "--input",
                "x=" + dir_.file("x.npy"), "--output-dir", output_dir});
  }

  ScratchDir dir_;
  std::string tiny_, smallnet_;
};

TEST_F(DriverRun, WritesEveryOutputWithTheRightValues) {
  run_tiny(dir_.file("out"));
  Tensor r = read_npy(dir_.file("out/r.npy"));
  Tensor fc = read_npy(dir_.file("out/fc.npy"));
  EXPECT_EQ(r.type, TensorType({1, 2}));
  EXPECT_EQ(r.data, (std::vector<float>{0, 4}));
  EXPECT_EQ(fc.data, (std::vector<float>{-1.5, 4}));
}

TEST_F(DriverRun, ReportsOutputsAndTimes) {
  std::string out = run_tiny(dir_.file("out")).out;
  EXPECT_NE(out.find("output %r (main) f32[1,2]"), std::string::npos) << out;
  EXPECT_NE(out.find("output %fc (aux) f32[1,2]"), std::string::npos) << out;
  EXPECT_EQ(out.find("top-"), std::string::npos) << "two classes are no ranking";
  EXPECT_NE(out.find("load: "), std::string::npos) << out;
  EXPECT_NE(out.find("run: "), std::string::npos) << out;
  EXPECT_NE(out.find(" ms"), std::string::npos) << out;
}

TEST_F(DriverRun, RanksClassifierOutputsBestFirst) {
  std::string model = dir_.write("scores.kir", R"(graph @scores {
  %x = input() : f32[1,12]
  %y = relu(%x) : f32[1,12]
  output %y
}
)");
  write_npy(dir_.file("s.npy"), Tensor(TensorType({1, 12}),
                                       {0.1f, 0.9f, 0.3f, 0, 0.8f, 0.2f, 0, 0.95f, 0, 0, 0.5f, 0}));
  std::string out = run({model, "--input", "x=" + dir_.file("s.npy")}).out;
  EXPECT_NE(out.find("item 0: top-5 classes by score\n"
                     "         7  0.950000\n"
                     "         1  0.900000\n"
                     "         4  0.800000\n"
                     "        10  0.500000\n"
                     "         2  0.300000\n"),
            std::string::npos)
      << out;
}

TEST_F(DriverRun, RanksEveryBatchItem) {
  std::string out = run({smallnet_, "--batch", "3"}).out;
  EXPECT_NE(out.find("output %prob (main) f32[3,10]"), std::string::npos) << out;
  EXPECT_NE(out.find("model @smallnet, batch 3"), std::string::npos) << out;
  for (const char* item :
       {"item 0: top-5 classes by probability", "item 1: top-5 classes by probability",
        "item 2: top-5 classes by probability", "item 2: top-5 classes by score"})
    EXPECT_NE(out.find(item), std::string::npos) << item;
}

TEST_F(DriverRun, SeedDecidesWeightsAndInputs) {
  run({smallnet_, "--output-dir", dir_.file("a")});
  run({smallnet_, "--output-dir", dir_.file("b")});
  run({smallnet_, "--seed", "2", "--output-dir", dir_.file("c")});
  Tensor a = read_npy(dir_.file("a/prob.npy"));
  EXPECT_EQ(a.data, read_npy(dir_.file("b/prob.npy")).data);
  EXPECT_NE(a.data, read_npy(dir_.file("c/prob.npy")).data);
}

TEST_F(DriverRun, PassesKeepTheResults) {
  run({smallnet_, "--output-dir", dir_.file("plain")});
  KilnResult r = run({smallnet_, "-O", "--verify-numerics", "--verify-each", "--remarks",
                      "--output-dir", dir_.file("opt")});
  EXPECT_NE(r.out.find("passes: "), std::string::npos) << r.out;
  Tensor a = read_npy(dir_.file("plain/prob.npy")), b = read_npy(dir_.file("opt/prob.npy"));
  ASSERT_EQ(a.type, b.type);
  for (int64_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a.data[i], b.data[i], 1e-5) << i;
}

TEST_F(DriverRun, KeepOutputsSurvivesStripTraining) {
  KilnResult r = run({smallnet_, "-O", "--keep-outputs=fc", "--output-dir", dir_.file("out")});
  EXPECT_NE(r.out.find("output %fc (aux)"), std::string::npos) << r.out;
  EXPECT_EQ(read_npy(dir_.file("out/fc.npy")).type, TensorType({1, 10}));
}

// `kiln import m.onnx -o m.kir` writes m.kir.safetensors; `kiln run m.kir` used to ignore it
// and run on seeded weights without a word.
TEST_F(DriverRun, WeightsImportedNextToTheModelAreUsedAndNamed) {
  KilnResult exported = run_kiln(
      {"export", tiny_, "--weights", dir_.file("tiny.safetensors"), "-o", dir_.file("tiny.onnx")});
  ASSERT_EQ(exported.status, 0) << exported.err;
  KilnResult imported = run_kiln({"import", dir_.file("tiny.onnx"), "-o", dir_.file("m.kir")});
  ASSERT_EQ(imported.status, 0) << imported.err;
  KilnResult r = run(
      {dir_.file("m.kir"), "--input", "x=" + dir_.file("x.npy"), "--output-dir", dir_.file("out")});
  EXPECT_EQ(read_npy(dir_.file("out/r.npy")).data, (std::vector<float>{0, 4}));
  EXPECT_EQ(r.err, "note: using the weights in " + dir_.file("m.kir.safetensors") +
                       " (--weights FILE to use others)\n");
}

TEST_F(DriverRun, SeededWeightsOfAModelFileAreAnnounced) {
  KilnResult r = run({smallnet_});
  EXPECT_EQ(r.err, "note: no weights given for " + smallnet_ +
                       ": using random weights seeded with --seed 1 (--weights FILE to load real "
                       "ones)\n");
}

// Zoo models have no weights but seeded ones: nothing to announce.
TEST_F(DriverRun, ZooModelsRunOnSeededWeightsQuietly) {
  KilnResult r = run_kiln({"run", "smallnet"}, {{"KILN_MODELS", dir_.path()}});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace kiln::testing
