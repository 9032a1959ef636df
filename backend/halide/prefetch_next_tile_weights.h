// Software prefetch of the next channel tile's weights during a row task that spans every row
// (private to backend/halide).
//
// A pointwise row task over all rows of a 14x14 layer (ResNet-50's stage 3, "rows14") streams
// its channel tile's weights (128 KiB for 1024 -> 256) once, in its first row, and reuses them
// from L2 in the other 13. That first row needs them faster than one core reads from L3, so it
// waits on memory while the later rows leave the bandwidth idle. This pass prefetches the next
// tile's weights (the same thread's next task, as the pool hands out contiguous ranges) in
// order, a few lines per input-block iteration, spread over all the task's rows, so they are
// in L2 when that task starts. The prefetches sit at the top of the block loop, not in the
// unrolled channel step: there even one prefetch made LLVM spill accumulators of the 2x14 tile
// (31 of 32 vector registers live), which cost 25-40%.
#pragma once

#include <cstdint>
#include <string>

#include "Halide.h"

namespace kiln::halide {

struct NextTileWeights {
  std::string buffer;        // the weights
  std::string row_loop;      // the task's output-row loop, e.g. "conv2d_output.s0.y.yi"
  std::string block_loop;    // the input-block loop inside it, e.g. "conv.s1.r$y"
  std::string channel_loop;  // the channel steps inside that, e.g. "conv.s1.r$x.rxo"
  int64_t tile_elements;     // one channel tile's weights; the next tile starts this far on
};

// Adds the pass to `pipeline`: at the top of every iteration of `block_loop` (constant extent
// B, inside `row_loop` of constant extent R), prefetches of the next tile's lines
// (row * B + block) * n + i for i < n = ceil(lines / (R * B)), clamped to its last line. The
// tile's start is the first weight line that `channel_loop` loads at the first block and step.
// Loops not so nested are left alone. Several x tiles of a row (1x1/2 512->1024: two 3x7
// tiles) each run the block loop and so prefetch the row's lines again, from L1. The last
// task's prefetches (and, where the channel tiles overlap at the end, the last but one's) point
// past the weights; x86 prefetches never fault.
void add_next_tile_weights_prefetch(Halide::Pipeline& pipeline, const NextTileWeights& where);

}  // namespace kiln::halide
