// XXH64 (xxHash, 64-bit): the checksum of weights.bin and the hash behind the kernel cache keys.
// A published, fast (several GB/s) non-cryptographic hash, so a weights file can be verified at
// every load and the value can be cross-checked with any xxHash implementation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace kiln {

namespace xxh64_detail {

inline constexpr uint64_t kP1 = 11400714785074694791ULL;
inline constexpr uint64_t kP2 = 14029467366897019727ULL;
inline constexpr uint64_t kP3 = 1609587929392839161ULL;
inline constexpr uint64_t kP4 = 9650029242287828579ULL;
inline constexpr uint64_t kP5 = 2870177450012600261ULL;

inline uint64_t rotl(uint64_t x, int r) {
  return (x << r) | (x >> (64 - r));
}

// Little-endian loads regardless of alignment (the weights payload is aligned, keys are not).
inline uint64_t read64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint64_t read32(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

inline uint64_t round(uint64_t acc, uint64_t input) {
  return rotl(acc + input * kP2, 31) * kP1;
}
inline uint64_t merge(uint64_t acc, uint64_t v) {
  return (acc ^ round(0, v)) * kP1 + kP4;
}

inline uint64_t stripes(const unsigned char*& p, const unsigned char* end, uint64_t seed) {
  uint64_t v1 = seed + kP1 + kP2, v2 = seed + kP2, v3 = seed, v4 = seed - kP1;
  for (; end - p >= 32; p += 32) {
    v1 = round(v1, read64(p));
    v2 = round(v2, read64(p + 8));
    v3 = round(v3, read64(p + 16));
    v4 = round(v4, read64(p + 24));
  }
  uint64_t h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
  return merge(merge(merge(merge(h, v1), v2), v3), v4);
}

}  // namespace xxh64_detail

inline uint64_t xxh64(const void* data, std::size_t len, uint64_t seed = 0) {
  using namespace xxh64_detail;
  const auto* p = static_cast<const unsigned char*>(data);
  const unsigned char* end = p + len;
  uint64_t h = len >= 32 ? stripes(p, end, seed) : seed + kP5;
  h += static_cast<uint64_t>(len);
  for (; end - p >= 8; p += 8) h = rotl(h ^ round(0, read64(p)), 27) * kP1 + kP4;
  if (end - p >= 4) {
    h = rotl(h ^ (read32(p) * kP1), 23) * kP2 + kP3;
    p += 4;
  }
  for (; p < end; ++p) h = rotl(h ^ (*p * kP5), 11) * kP1;
  h ^= h >> 33;
  h *= kP2;
  h ^= h >> 29;
  h *= kP3;
  return h ^ (h >> 32);
}

// "0x0123456789abcdef": how messages spell a checksum.
inline std::string checksum_hex(uint64_t v) {
  char buf[19];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace kiln
