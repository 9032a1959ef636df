// Software prefetch of the weights of a whole-image conv2d task, spread over its rows (private
// to backend/halide).
//
// A whole-image task (ResNet-50's 7x7 stage) streams its channel tile's weights once, from L3
// or memory (2-8 MiB a layer): each block of input channels' weights is loaded at the first
// output row and reused from L1 by the others. The out-of-order window holds about one channel
// step, so only the ~8 lines of that step are in flight and the core waits on memory for a
// block's first row: measured, a cold 7x7 2048->512 took its compute time plus its weights'
// transfer time, nothing overlapped. Prefetching the block after next fixes that when the
// prefetches are spread out: issued all at once at the top of a block they fill the core's
// fill buffers and stall it just the same (measured: no gain). This pass issues the lines of
// a channel step's next-but-one block in that step, one line per step and row, so a block's
// lines trickle out over all its rows.
#pragma once

#include <cstdint>
#include <string>

#include "Halide.h"

namespace kiln::halide {

// Adds the pass to `pipeline`: at the top of every iteration of the loops named `channel_loop`
// (their lowered name, e.g. "conv.s1.r$x.rxo"), prefetches of the distinct lines of `buffer`
// that the iteration loads outside inner loops, `offset` elements further on; the i-th of
// them only when the enclosing loop `row_loop` (e.g. "conv.s1.y", constant extent E) is at
// iteration i mod E. Loops outside a `row_loop` of constant extent are left alone.
void add_weights_ahead_prefetch(Halide::Pipeline& pipeline, const std::string& buffer,
                                const std::string& channel_loop, int64_t offset,
                                const std::string& row_loop);

}  // namespace kiln::halide
