#include "runtime/large_pages.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "runtime/error.h"

namespace kiln::rt {
namespace {

constexpr size_t kLargePage = size_t{2} << 20;

size_t round_up(size_t bytes, size_t unit) {
  return (bytes + unit - 1) / unit * unit;
}

}  // namespace

LargePageMemory::LargePageMemory(size_t bytes, Populate populate) {
  if (bytes == 0) return;
  if (bytes > SIZE_MAX - 2 * kLargePage) {
    throw Error("cannot map " + std::to_string(bytes) + " bytes: larger than the address space");
  }
  const size_t size = round_up(bytes, kLargePage);
  // mmap only promises 4 KiB alignment: map one large page more and trim both ends, so the
  // region starts on a 2 MiB boundary and every one of its pages can be a large one.
  const size_t mapped = size + kLargePage;
  void* m = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) {
    throw Error("cannot map " + std::to_string(bytes) + " bytes: " + std::strerror(errno));
  }
  const auto base = reinterpret_cast<uintptr_t>(m);
  const uintptr_t start = round_up(base, kLargePage);
  if (start > base) munmap(m, start - base);
  const size_t tail = (base + mapped) - (start + size);
  if (tail > 0) munmap(reinterpret_cast<void*>(start + size), tail);
  data_ = reinterpret_cast<void*>(start);
  bytes_ = size;
  // A hint: EINVAL where the kernel has no THP leaves ordinary pages, which work the same.
  madvise(data_, bytes_, MADV_HUGEPAGE);
  // Anonymous memory reads as zero already; writing it faults every page in now, at load.
  if (populate == Populate::kZeroNow) std::memset(data_, 0, bytes_);
}

LargePageMemory::~LargePageMemory() {
  if (data_ != nullptr) munmap(data_, bytes_);
}

LargePageMemory::LargePageMemory(LargePageMemory&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

LargePageMemory& LargePageMemory::operator=(LargePageMemory&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) munmap(data_, bytes_);
    data_ = std::exchange(other.data_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

}  // namespace kiln::rt
