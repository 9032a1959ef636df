// Software prefetch of what a conv2d register tile's epilogue reads (private to backend/halide).
//
// A +residual conv adds, after a tile's whole reduction, the residual's lines for that tile: a
// tensor written three layers earlier, which at ResNet-50's 56x56 and 28x28 stages (3.2 and 1.6
// MiB) is no longer in L2. The loads come in one burst of kvec x px misses after a reduction
// that issued none, so no hardware prefetcher sees a stream to follow and the core waits on all
// of them at once. This pass issues those lines' prefetches when the tile starts: the reduction
// (hundreds of cycles or more) then hides their latency.
#pragma once

#include <string>

#include "Halide.h"

namespace kiln::halide {

// Adds the pass to `pipeline`: at the top of every iteration of the loops named `tile_loop`
// (their lowered name, e.g. "conv2d_output.s0.x.xo"), one prefetch per distinct line of
// `buffer` that the iteration loads outside its inner loops.
void add_tile_epilogue_prefetch(Halide::Pipeline& pipeline, const std::string& buffer,
                                const std::string& tile_loop);

}  // namespace kiln::halide
