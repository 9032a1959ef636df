#include "runtime/large_pages.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "runtime/error.h"

namespace kiln::rt {
namespace {

constexpr size_t kLargePage = size_t{2} << 20;

TEST(LargePageMemory, IsAlignedAndRoundedToWholeLargePages) {
  LargePageMemory m(3 * kLargePage + 5);
  ASSERT_NE(m.data(), nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(m.data()) % kLargePage, 0u);
  EXPECT_EQ(m.bytes(), 4 * kLargePage);
}

TEST(LargePageMemory, EveryPageIsResidentAndZeroBeforeFirstUse) {
  // Faulted in at construction, so that a model's first run takes no page fault.
  LargePageMemory m(3 * kLargePage);
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> resident(m.bytes() / page);
  ASSERT_EQ(mincore(m.data(), m.bytes(), resident.data()), 0);
  for (size_t i = 0; i < resident.size(); ++i) ASSERT_TRUE(resident[i] & 1) << "page " << i;
  const auto* bytes = static_cast<const unsigned char*>(m.data());
  for (size_t i = 0; i < m.bytes(); i += 4093) ASSERT_EQ(bytes[i], 0) << "byte " << i;
}

TEST(LargePageMemory, PopulatedByTheCallerIsStillAlignedZeroAndWritable) {
  LargePageMemory m(kLargePage + 1, LargePageMemory::Populate::kByCaller);
  ASSERT_NE(m.data(), nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(m.data()) % kLargePage, 0u);
  EXPECT_EQ(m.bytes(), 2 * kLargePage);
  auto* bytes = static_cast<unsigned char*>(m.data());
  EXPECT_EQ(bytes[m.bytes() - 1], 0);
  bytes[m.bytes() - 1] = 7;
  EXPECT_EQ(bytes[m.bytes() - 1], 7);
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

TEST(LargePageMemory, ImpossibleSizesAreErrors) {
  EXPECT_THROW(LargePageMemory(SIZE_MAX / 2), Error);  // mmap refuses it
  EXPECT_THROW(LargePageMemory(SIZE_MAX), Error);      // would overflow the rounding
}

}  // namespace
}  // namespace kiln::rt
