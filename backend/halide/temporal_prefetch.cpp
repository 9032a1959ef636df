#include "backend/halide/temporal_prefetch.h"

#include <cstdint>
#include <vector>

#include "temporal_prefetch_bitcode.h"

namespace kiln::halide {

bool can_link_temporal_prefetch(const Halide::Target& target) {
  return target.arch == Halide::Target::X86 && target.bits == 64 &&
         target.os == Halide::Target::Linux;
}

Halide::ExternalCode temporal_prefetch_code(const Halide::Target& target) {
  const std::vector<uint8_t> bitcode(kTemporalPrefetchBitcode,
                                     kTemporalPrefetchBitcode + kTemporalPrefetchBitcode_size);
  return Halide::ExternalCode::bitcode_wrapper(target, bitcode, "kiln_temporal_prefetch");
}

}  // namespace kiln::halide
