// weights.bin: the plan's weight tensors repacked so each starts 64-byte aligned (whatever the
// plan's own blob offsets were), behind the header of runtime/weights_format.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backend/halide/codegen/plan_check.h"
#include "backend/halide/execution_plan.h"

namespace kiln::halide::codegen {

struct PackedWeights {
  std::vector<float> payload;    // size a multiple of 16 floats
  std::vector<int64_t> offsets;  // per tensor: the offset to store in the plan table
  uint64_t checksum = 0;         // xxh64 of the payload
  int64_t bytes() const { return static_cast<int64_t>(payload.size() * sizeof(float)); }
};

// Copies every root weights tensor of `plan` to the next aligned offset in tensor order
// (tensors sharing the same span of the blob share it again). Views keep their relative
// offsets; other tensors keep the plan's offsets.
PackedWeights pack_weights(const Plan& plan, const CheckedPlan& checked);

// The file's 64-byte header, recording the checksum of the library linked for it; the payload
// follows it.
std::string weights_header(const PackedWeights& weights, uint64_t library_checksum);

}  // namespace kiln::halide::codegen
