// reuse_residual_storage: which outputs take their residual's storage, on hand-built plans
// (the liveness rules) and on ResNet-50 lowered for AVX-512 (the kernels' contract). That the
// kernels still compute the reference's numbers is ZooCompile's check (resnet50).
#include "backend/halide/reuse_residual_storage.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "backend/halide/conv2d_kernel.h"
#include "tests/compile/compile_test_util.h"
#include "tests/runtime/test_artifact.h"

namespace kiln {
namespace {

using testing::Plan;
using testing::PlanTensor;
using testing::Storage;

// Dense tensors (testing::add_tensor), arena unless said otherwise.
int add_tensor(Plan& p, const std::string& name, std::vector<int> extents,
               Storage storage = Storage::arena) {
  return testing::add_tensor(p, name, storage, std::move(extents), 0);
}

int add_view(Plan& p, const std::string& name, int of) {
  return testing::add_tensor(p, name, Storage::arena, p.tensors[of].extents, 0, of);
}

// A step writing `args.back()`; `overwritable` indexes args, -1 for none.
void add_step(Plan& p, std::vector<int> args, int overwritable = -1) {
  halide::PlanStep s;
  s.kernel = 0;
  s.args = std::move(args);
  s.overwritable_input = overwritable;
  p.steps.push_back(s);
}

// input -> r (step 0); conv(x = input, residual = r) -> out (step 1), out overwritable over r.
struct ResidualBlock {
  Plan plan;
  int input, r, out;
  ResidualBlock() {
    input = add_tensor(plan, "input", {16, 4, 4, 1}, Storage::input);
    r = add_tensor(plan, "r", {16, 4, 4, 1});
    out = add_tensor(plan, "out", {16, 4, 4, 1});
    add_step(plan, {input, r});
    add_step(plan, {input, r, out}, 1);
  }
};

TEST(ReuseResidualStorage, OutputTakesADeadResidual) {
  ResidualBlock b;
  EXPECT_EQ(halide::reuse_residual_storage(b.plan), 1);
  EXPECT_EQ(b.plan.tensors[b.out].alias_of, b.r);
  EXPECT_EQ(b.plan.tensors[b.out].offset, 0);
}

TEST(ReuseResidualStorage, NotWhereALaterStepReadsTheResidual) {
  ResidualBlock b;
  add_step(b.plan, {b.r, add_tensor(b.plan, "later", {16, 4, 4, 1})});
  EXPECT_EQ(halide::reuse_residual_storage(b.plan), 0);
  EXPECT_EQ(b.plan.tensors[b.out].alias_of, -1);
}

TEST(ReuseResidualStorage, NotWhereALaterStepReadsAViewOfIt) {
  ResidualBlock b;
  const int flat = add_view(b.plan, "r.flat", b.r);
  add_step(b.plan, {flat, add_tensor(b.plan, "later", {16, 4, 4, 1})});
  EXPECT_EQ(halide::reuse_residual_storage(b.plan), 0);
}

TEST(ReuseResidualStorage, NotWhereTheStepReadsItTwice) {
  ResidualBlock b;
  b.plan.steps[1].args = {b.r, b.r, b.out};
  EXPECT_EQ(halide::reuse_residual_storage(b.plan), 0);
}

TEST(ReuseResidualStorage, NotForAGraphInputOrAnotherShape) {
  ResidualBlock from_input;
  from_input.plan.steps[1].args = {from_input.r, from_input.input, from_input.out};
  EXPECT_EQ(halide::reuse_residual_storage(from_input.plan), 0);
  ResidualBlock reshaped;
  reshaped.plan.tensors[reshaped.out].extents = {16, 2, 8, 1};
  reshaped.plan.tensors[reshaped.out].strides = {1, 16, 32, 256};
  EXPECT_EQ(halide::reuse_residual_storage(reshaped.plan), 0);
}

TEST(ReuseResidualStorage, ChainsShareOneStorage) {
  ResidualBlock b;
  const int out2 = add_tensor(b.plan, "out2", {16, 4, 4, 1});
  add_step(b.plan, {b.input, b.out, out2}, 1);
  EXPECT_EQ(halide::reuse_residual_storage(b.plan), 2);
  EXPECT_EQ(b.plan.tensors[b.out].alias_of, b.r);
  EXPECT_EQ(b.plan.tensors[out2].alias_of, b.r);  // the root, not the first output
}

// The row-banded +residual 1x1s at 56x56 and 28x28 (tiles dividing the output) write over
// their residual; the 14x14 ones (tasks over all rows) and the 7x7 ones (whole-image tasks,
// 2048 channels in 3-vector tiles) do not.
TEST(ReuseResidualStorage, ResNet50OnAvx512) {
  const Halide::Target avx512("x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41");
  const Plan plan = testing::lower_zoo_model("resnet50", {}, avx512);
  int reused = 0;
  for (const auto& s : plan.steps) {
    if (s.description.find("+res") == std::string::npos) continue;
    const PlanTensor& out = plan.tensors[s.args.back()];
    const bool early = s.description.find("56x56") != std::string::npos ||
                       s.description.find("28x28") != std::string::npos;
    EXPECT_EQ(out.alias_of >= 0, early) << s.description;
    reused += out.alias_of >= 0;
  }
  EXPECT_EQ(reused, 3 + 4);
}

}  // namespace
}  // namespace kiln
