// What the Halide backend can index: at most 2^31 - 1 elements per buffer, and per dimension at
// most that many from extent * |stride|, without the products wrapping around under the limit.
#include "backend/halide/buffer_index_limit.h"

#include <gtest/gtest.h>

namespace kiln::halide {
namespace {

PlanTensor tensor(std::vector<int> extents, std::vector<int64_t> strides) {
  PlanTensor t;
  t.extents = std::move(extents);
  t.strides = std::move(strides);
  return t;
}

TEST(BufferIndexLimit, ExactlyTheLimitFits) {
  EXPECT_EQ(buffer_index_excess(tensor({2147483647}, {1})), "");
  EXPECT_EQ(buffer_index_excess(tensor({1, 1}, {1, 2147483647})), "");
}

TEST(BufferIndexLimit, OneElementMoreDoesNot) {
  EXPECT_EQ(buffer_index_excess(tensor({65536, 32768}, {1, 65536})), "holds 2147483648 elements");
  EXPECT_EQ(buffer_index_excess(tensor({2, 2}, {1, 1073741824})),
            "spans 2147483648 elements in dimension 1 (extent 2 x stride 1073741824)");
  EXPECT_EQ(buffer_index_excess(tensor({2}, {-1073741824})),
            "spans 2147483648 elements in dimension 0 (extent 2 x stride -1073741824)");
}

// 2^16 extents multiply to 2^64, which wraps to 0 in int64 arithmetic.
TEST(BufferIndexLimit, ProductsSaturateRatherThanWrap) {
  EXPECT_NE(buffer_index_excess(tensor({65536, 65536, 65536, 65536}, {1, 1, 1, 1})), "");
  EXPECT_NE(buffer_index_excess(tensor({4}, {int64_t{1} << 62})), "");
}

TEST(BufferIndexLimit, MessageStatesTheLimit) {
  EXPECT_EQ(buffer_limit_text(),
            "more than the 2147483647 (2^31 - 1) elements a Halide buffer can index");
}

}  // namespace
}  // namespace kiln::halide
