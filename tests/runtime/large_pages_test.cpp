#include "runtime/large_pages.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>

namespace kiln::rt {
namespace {

constexpr size_t kLargePage = size_t{2} << 20;

TEST(LargePageMemory, IsZeroedAlignedAndRoundedToWholeLargePages) {
  LargePageMemory m(3 * kLargePage + 5);
  ASSERT_NE(m.data(), nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(m.data()) % kLargePage, 0u);
  EXPECT_EQ(m.bytes(), 4 * kLargePage);
  const auto* bytes = static_cast<const unsigned char*>(m.data());
  for (size_t i = 0; i < m.bytes(); i += 4093) ASSERT_EQ(bytes[i], 0) << "byte " << i;
  EXPECT_EQ(bytes[m.bytes() - 1], 0);
}

TEST(LargePageMemory, IsWritableToItsLastByte) {
  LargePageMemory m(100);
  auto* bytes = static_cast<unsigned char*>(m.data());
  bytes[0] = 1;
  bytes[m.bytes() - 1] = 2;
  EXPECT_EQ(bytes[0] + bytes[m.bytes() - 1], 3);
}

TEST(LargePageMemory, ZeroBytesMapsNothing) {
  LargePageMemory m(0);
  EXPECT_EQ(m.data(), nullptr);
  EXPECT_EQ(m.bytes(), 0u);
}

TEST(LargePageMemory, MovesOwnership) {
  LargePageMemory a(kLargePage);
  void* data = a.data();
  LargePageMemory b(std::move(a));
  EXPECT_EQ(a.data(), nullptr);
  EXPECT_EQ(b.data(), data);
  LargePageMemory c(kLargePage);
  c = std::move(b);
  EXPECT_EQ(c.data(), data);
  EXPECT_EQ(b.data(), nullptr);
}

TEST(LargePageMemory, ImpossibleSizeIsAnError) {
  EXPECT_THROW(LargePageMemory(SIZE_MAX / 2), std::exception);
}

}  // namespace
}  // namespace kiln::rt
