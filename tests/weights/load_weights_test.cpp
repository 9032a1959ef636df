#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "frontend/safetensors.h"
#include "frontend/weight_init.h"
#include "frontend/weights.h"
#include "ir/builder.h"
#include "test_util.h"

namespace kiln {
namespace {

using kiln::testing::error_of;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

class LoadWeightsTest : public kiln::testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    GraphBuilder b(g_);
    Node* x = b.input("data", {1, 3, 8, 8});
    x = b.relu("relu", b.batch_norm("bn", b.conv2d("conv", x, 4, 3, 1, 1, 1, false)));
    x = b.flatten("flatten", b.global_avg_pool("pool", x));
    b.output(b.softmax("prob", b.dense("fc", x, 2)));
  }
  Graph g_{"tiny"};
};

TEST_F(LoadWeightsTest, LoadsExactlyTheGraphsWeights) {
  WeightMap w = seeded_weights(g_, 3);
  save_weights(path("w.safetensors"), w);
  WeightMap back = load_weights(g_, path("w.safetensors"));
  ASSERT_EQ(back.size(), g_.weights().size());
  for (const auto& [name, t] : w) {
    EXPECT_EQ(back.at(name).type, t.type) << name;
    EXPECT_EQ(back.at(name).data, t.data) << name;
  }
}

TEST_F(LoadWeightsTest, MissingTensorNamesItAndItsType) {
  WeightMap w = seeded_weights(g_);
  w.erase("fc.bias");
  save_weights(path("w.safetensors"), w);
  EXPECT_THAT(error_of([&] { load_weights(g_, path("w.safetensors")); }),
              AllOf(HasSubstr("w.safetensors"), HasSubstr("@tiny"),
                    HasSubstr("missing tensor 'fc.bias' for %fc.bias : f32[2]")));
}

TEST_F(LoadWeightsTest, MisShapedTensorGivesExpectedAndActual) {
  WeightMap w = seeded_weights(g_);
  w["conv.weight"] = Tensor(TensorType({4, 3, 5, 5}));
  save_weights(path("w.safetensors"), w);
  EXPECT_THAT(
      error_of([&] { load_weights(g_, path("w.safetensors")); }),
      HasSubstr("tensor 'conv.weight' is f32[4,3,5,5] but %conv.weight needs f32[4,3,3,3]"));
}

TEST_F(LoadWeightsTest, ExtraTensorsAreAnErrorUnlessAllowed) {
  WeightMap w = seeded_weights(g_);
  w["aux.fc.weight"] = Tensor(TensorType({2, 2}));
  save_weights(path("w.safetensors"), w);
  EXPECT_THAT(error_of([&] { load_weights(g_, path("w.safetensors")); }),
              HasSubstr("extra tensor 'aux.fc.weight'"));
  WeightMap loaded = load_weights(g_, path("w.safetensors"), {.allow_extra = true});
  EXPECT_EQ(loaded.size(), g_.weights().size());
  EXPECT_FALSE(loaded.count("aux.fc.weight"));
}

TEST_F(LoadWeightsTest, EveryProblemIsListedInOneError) {
  WeightMap w = seeded_weights(g_);
  w.erase("bn.mean");
  w["fc.weight"] = Tensor(TensorType({2, 5}));
  w["stray"] = Tensor(TensorType({1}));
  save_weights(path("w.safetensors"), w);
  EXPECT_THAT(error_of([&] { load_weights(g_, path("w.safetensors")); }),
              AllOf(HasSubstr("3 problems"), HasSubstr("'bn.mean'"), HasSubstr("'fc.weight'"),
                    HasSubstr("'stray'")));
}

TEST_F(LoadWeightsTest, LongListsAreCut) {
  WeightMap w = seeded_weights(g_);
  for (int i = 0; i < 30; ++i) w["extra" + std::to_string(100 + i)] = Tensor(TensorType({1}));
  save_weights(path("w.safetensors"), w);
  std::string msg = error_of([&] { load_weights(g_, path("w.safetensors")); });
  EXPECT_THAT(msg, AllOf(HasSubstr("30 problems"), HasSubstr("... and 10 more"),
                         Not(HasSubstr("extra129"))));
}

TEST_F(LoadWeightsTest, TruncatedFileNamesTheTensor) {
  save_weights(path("w.safetensors"), seeded_weights(g_));
  std::string bytes = read_bytes(path("w.safetensors"));
  write_bytes(path("w.safetensors"), bytes.substr(0, bytes.size() - 3));
  // Tensors are stored in name order, so the last one is cut.
  EXPECT_THAT(
      error_of([&] { load_weights(g_, path("w.safetensors")); }),
      AllOf(HasSubstr("w.safetensors"), HasSubstr("tensor 'fc.weight'"), HasSubstr("truncated")));
}

TEST_F(LoadWeightsTest, CheckWeightsValidatesInMemoryMaps) {
  WeightMap w = seeded_weights(g_);
  EXPECT_NO_THROW(check_weights(g_, w, "seeded"));
  w["fc.bias"].data.pop_back();
  EXPECT_THAT(error_of([&] { check_weights(g_, w, "seeded"); }),
              AllOf(HasSubstr("seeded"), HasSubstr("'fc.bias' has 1 values")));
  w.erase("fc.bias");
  EXPECT_THAT(error_of([&] { check_weights(g_, w, "seeded"); }),
              HasSubstr("missing tensor 'fc.bias'"));
}

}  // namespace
}  // namespace kiln
