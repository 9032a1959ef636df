// Software prefetch for the direct conv2d's channel-block reduction (private to
// backend/halide).
//
// A pointwise conv's register tile reads, for every block of V input channels, one cache line
// per output pixel, and the next block's lines lie a whole channel plane further on (200 KiB at
// 56x56): no hardware prefetcher follows that. Each block's first step then waits on ~14 misses
// at once. This pass issues those lines' prefetches one block ahead, just before each channel
// loop, where the lines' addresses are known: measured on ResNet-50's input-heavy 1x1 layers
// (more input than output channels, or stride 2), +7-11% at one thread and +4-11% at two.
#pragma once

#include <cstdint>
#include <string>

#include "Halide.h"

namespace kiln::halide {

// Adds the pass to `pipeline`: before every loop named `channel_loop` (its lowered name, e.g.
// "conv.s1.r$x.rxo"), one prefetch per distinct line of `buffer` that the loop's scalar
// (broadcast) loads touch at its first iteration, `block_stride` elements further on. x86
// prefetches never fault, so the last block's (past the end of the buffer) are harmless.
void add_next_channel_block_prefetch(Halide::Pipeline& pipeline, const std::string& buffer,
                                     const std::string& channel_loop, int64_t block_stride);

}  // namespace kiln::halide
