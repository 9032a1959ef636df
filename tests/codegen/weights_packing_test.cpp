// pack_weights on hand-made plans: where each tensor lands in weights.bin's payload.
#include "backend/halide/codegen/weights_packing.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/checksum.h"

namespace kiln::halide::codegen {
namespace {

using Storage = PlanTensor::Storage;

PlanTensor dense(const std::string& name, Storage storage, int64_t offset, int floats) {
  PlanTensor t;
  t.name = name;
  t.storage = storage;
  t.offset = offset;
  t.extents = {floats};
  t.strides = {1};
  return t;
}

Plan plan_with_blob(int floats) {
  Plan plan;
  for (int i = 0; i < floats; ++i) plan.weights_blob.push_back(static_cast<float>(i + 1));
  return plan;
}

// Roots land at 64-byte boundaries in tensor order with zeros between and after them; a second
// root over the same span of the blob shares the first one's copy; views (relative offsets) and
// tensors of other storage keep their offsets; an empty root takes no room.
TEST(PackWeights, AlignsRootsSharesEqualSpansKeepsViewsAndOtherStorage) {
  Plan plan = plan_with_blob(64);
  plan.tensors.push_back(dense("a", Storage::weights, 3, 5));
  plan.tensors.push_back(dense("act", Storage::arena, 100, 7));
  plan.tensors.push_back(dense("b", Storage::weights, 40, 20));
  plan.tensors.push_back(dense("a.again", Storage::weights, 3, 5));
  PlanTensor view = dense("b.view", Storage::weights, 2, 4);
  view.alias_of = 2;
  plan.tensors.push_back(view);
  plan.tensors.push_back(dense("empty", Storage::weights, 60, 0));
  CheckedPlan checked;
  checked.root = {0, 1, 2, 3, 2, 5};

  const PackedWeights w = pack_weights(plan, checked);

  EXPECT_EQ(w.offsets, (std::vector<int64_t>{0, 100, 16, 0, 2, 48}));
  ASSERT_EQ(w.payload.size(), 48u);  // b ends at 36 floats; padded to 64 bytes
  for (int i = 0; i < 48; ++i) {
    float expected = 0;
    if (i < 5) expected = plan.weights_blob[3 + i];
    if (i >= 16 && i < 36) expected = plan.weights_blob[40 + (i - 16)];
    EXPECT_EQ(w.payload[i], expected) << "payload[" << i << "]";
  }
  EXPECT_EQ(w.bytes(), 48 * 4);
  EXPECT_EQ(w.checksum, xxh64(w.payload.data(), w.payload.size() * sizeof(float)));
}

TEST(PackWeights, NoWeightsGiveAnEmptyPayload) {
  Plan plan = plan_with_blob(0);
  plan.tensors.push_back(dense("in", Storage::input, 0, 8));
  plan.tensors.push_back(dense("act", Storage::arena, 32, 8));
  CheckedPlan checked;
  checked.root = {0, 1};

  const PackedWeights w = pack_weights(plan, checked);

  EXPECT_EQ(w.offsets, (std::vector<int64_t>{0, 32}));
  EXPECT_TRUE(w.payload.empty());
  EXPECT_EQ(w.checksum, xxh64(nullptr, 0));
}

}  // namespace
}  // namespace kiln::halide::codegen
