// The runtime's validation of plan tables, on hand-made kiln_plan structs: a damaged or foreign
// plan must become an error message, never an out-of-bounds pointer.
#include "runtime/plan_check.h"

#include <gtest/gtest.h>

#include "runtime/error.h"

namespace kiln::rt {
namespace {

int dummy_kernel(void**) {
  return 0;
}

// input [4] -> arena [4] (view of it: [2] at offset 2) -> output [4]; weights [4].
struct PlanFixture {
  int32_t ext4[1] = {4}, ext2[1] = {2};
  int64_t stride1[1] = {1};
  kiln_plan_tensor tensors[5] = {
      {"in", KILN_STORAGE_INPUT, -1, 0, 1, ext4, stride1},
      {"act", KILN_STORAGE_ARENA, -1, 4, 1, ext4, stride1},
      {"act.view", KILN_STORAGE_ARENA, 1, 2, 1, ext2, stride1},
      {"w", KILN_STORAGE_WEIGHTS, -1, 0, 1, ext4, stride1},
      {"out", KILN_STORAGE_OUTPUT, -1, 0, 1, ext4, stride1},
  };
  int32_t args0[3] = {0, 3, 1}, args1[2] = {2, 4};
  kiln_plan_step steps[2] = {{dummy_kernel, "k0", 3, args0, 0, nullptr, "", 0},
                             {dummy_kernel, "k1", 2, args1, 0, nullptr, "", 0}};
  int64_t shape[1] = {4};
  kiln_plan_io in = {"in", 0, 1, shape}, out = {"out", 4, 1, shape};
  kiln_plan plan{};

  PlanFixture() {
    plan.num_tensors = 5, plan.tensors = tensors;
    plan.num_steps = 2, plan.steps = steps;
    plan.num_inputs = 1, plan.inputs = &in;
    plan.num_outputs = 1, plan.outputs = &out;
    plan.arena_bytes = 8 * 4, plan.weights_bytes = 4 * 4;
  }
};

void expect_malformed(const kiln_plan& plan, const std::string& fragment) {
  try {
    resolve_plan(plan);
    FAIL() << "expected: " << fragment;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(PlanCheck, ResolvesViewsToTheirRoot) {
  PlanFixture f;
  const std::vector<ResolvedTensor> r = resolve_plan(f.plan);
  EXPECT_EQ(r[2].root, 1);
  EXPECT_EQ(r[2].offset, 6);
  EXPECT_EQ(r[2].storage, KILN_STORAGE_ARENA);
  EXPECT_EQ(r[4].io, 0);
}

TEST(PlanCheck, TensorPastItsStorage) {
  PlanFixture f;
  f.plan.arena_bytes = 7 * 4;
  expect_malformed(f.plan, "tensor 1 'act' extends past the end of its storage");
}

TEST(PlanCheck, AliasCycle) {
  PlanFixture f;
  f.tensors[1].alias_of = 2;
  expect_malformed(f.plan, "bad alias chain");
}

TEST(PlanCheck, BadIdsAndPointers) {
  {
    PlanFixture f;
    f.args1[0] = 9;
    expect_malformed(f.plan, "step 1 has a bad tensor id");
  }
  {
    PlanFixture f;
    f.steps[0].fn = nullptr;
    expect_malformed(f.plan, "step 0 has no kernel function");
  }
  {
    PlanFixture f;
    f.tensors[0].extents = nullptr;
    expect_malformed(f.plan, "has no extents or strides");
  }
  {
    PlanFixture f;
    f.out.tensor = 1;
    expect_malformed(f.plan, "output 0 is not a distinct root tensor");
  }
}

TEST(PlanCheck, HugeOrNegativeDimensions) {
  PlanFixture f;
  int64_t huge[1] = {int64_t{1} << 40};
  f.tensors[3].strides = huge;
  expect_malformed(f.plan, "has a bad dimension");
  int32_t negative[1] = {-3};
  f.tensors[3].strides = f.stride1;
  f.tensors[3].extents = negative;
  expect_malformed(f.plan, "has a bad dimension");
}

TEST(PlanCheck, UnboundInputStorage) {
  PlanFixture f;
  f.plan.num_inputs = 0;
  expect_malformed(f.plan, "lives in an input/output the plan never binds");
}

}  // namespace
}  // namespace kiln::rt
