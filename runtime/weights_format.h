// weights.bin: a 64-byte header followed by the packed weights payload (floats, native
// little-endian). The header is one alignment unit long, so the payload read into (or mapped
// at) an aligned address leaves every tensor 64-byte aligned, as the generator placed them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kiln::weights_format {

inline constexpr char kMagic[8] = {'K', 'I', 'L', 'N', 'W', 'G', 'T', 'S'};
// Version 2 added library_checksum.
inline constexpr uint32_t kVersion = 2;
inline constexpr uint32_t kAlignment = 64;  // bytes, of the payload and of every tensor in it

struct Header {
  char magic[8];
  uint32_t version;
  uint32_t header_bytes;   // offset of the payload
  uint64_t payload_bytes;  // the file is exactly header_bytes + payload_bytes long
  uint64_t checksum;       // kiln::xxh64 of the payload, seed 0
  uint32_t alignment;
  uint32_t padding;  // zero: spelled out so that no header byte is left undefined
  // kiln::xxh64 (seed 0) of the libkiln_model.so written with this file. The runtime checks the
  // library against it before dlopen: the library cannot record its own checksum, and the plan
  // it carries (with the payload's checksum) can only be read once it has been loaded.
  uint64_t library_checksum;
  uint8_t reserved[16];
};
static_assert(sizeof(Header) == kAlignment, "the payload must start aligned");
static_assert(offsetof(Header, library_checksum) == 40, "no implicit padding");

}  // namespace kiln::weights_format
