// flatten and reshape keep the row-major data and change only the type.
#include "ref_test_util.h"

namespace kiln::reference::testing {
namespace {

Tensor x() {
  return tensor({2, 3, 2}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
}
const std::vector<double> kData = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};

TEST(Flatten, Axes) {
  expect_tensor(run_op("flatten", {x()}), {2, 6}, kData);  // default axis 1
  expect_tensor(run_op("flatten", {x()}, attrs({{"axis", 0}})), {1, 12}, kData);
  expect_tensor(run_op("flatten", {x()}, attrs({{"axis", -1}})), {6, 2}, kData);
  expect_tensor(run_op("flatten", {x()}, attrs({{"axis", 3}})), {12, 1}, kData);
}

TEST(Reshape, CopyAndInferredDims) {
  expect_tensor(run_op("reshape", {x()}, attrs({{"shape", ints({0, -1})}})), {2, 6}, kData);
  expect_tensor(run_op("reshape", {x()}, attrs({{"shape", ints({3, 4})}})), {3, 4}, kData);
  expect_tensor(run_op("reshape", {x()}, attrs({{"shape", ints({-1})}})), {12}, kData);
  expect_tensor(run_op("reshape", {x()}, attrs({{"shape", ints({1, 2, 1, 6})}})), {1, 2, 1, 6},
                kData);
}

}  // namespace
}  // namespace kiln::reference::testing
