// concat along any axis, negative axes counting from the end.
#include "ref_test_util.h"

namespace kiln::reference::testing {
namespace {

TEST(Concat, Axis1WithBatch) {
  // a [2,1,2], b [2,2,2]: per batch item, a's row then b's two rows.
  Tensor a = tensor({2, 1, 2}, {1, 2, 3, 4});
  Tensor b = tensor({2, 2, 2}, {5, 6, 7, 8, 9, 10, 11, 12});
  expect_tensor(run_op("concat", {a, b}, attrs({{"axis", 1}})), {2, 3, 2},
                {1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12});
}

TEST(Concat, DefaultAxisIsChannels) {
  Tensor a = tensor({1, 1, 1, 2}, {1, 2});
  Tensor b = tensor({1, 2, 1, 2}, {3, 4, 5, 6});
  expect_tensor(run_op("concat", {b, a}), {1, 3, 1, 2}, {3, 4, 5, 6, 1, 2});
}

TEST(Concat, LastAxisNegativeThreeOperands) {
  // [2,2] ++ [2,1] ++ [2,3] on axis -1: each row joins its pieces.
  Tensor a = tensor({2, 2}, {1, 2, 3, 4});
  Tensor b = tensor({2, 1}, {5, 6});
  Tensor c = tensor({2, 3}, {7, 8, 9, 10, 11, 12});
  expect_tensor(run_op("concat", {a, b, c}, attrs({{"axis", -1}})), {2, 6},
                {1, 2, 5, 7, 8, 9, 3, 4, 6, 10, 11, 12});
}

TEST(Concat, Axis0) {
  Tensor a = tensor({1, 2}, {1, 2});
  Tensor b = tensor({2, 2}, {3, 4, 5, 6});
  expect_tensor(run_op("concat", {a, b}, attrs({{"axis", 0}})), {3, 2}, {1, 2, 3, 4, 5, 6});
}

}  // namespace
}  // namespace kiln::reference::testing
