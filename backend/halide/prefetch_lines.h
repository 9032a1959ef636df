// Software prefetch on Halide's final flattened IR (private to backend/halide): finding the
// lines a statement reads, one address per cache line, and emitting prefetches for them (which
// need temporal_prefetch_code() linked to be temporal: temporal_prefetch.h). Used by the custom
// lowering pass of prefetch_next_channel_block.h (Pipeline::add_custom_lowering_pass), where a
// buffer access is a Load of a named host pointer at an element index.
#pragma once

#include <string>
#include <vector>

#include "Halide.h"

namespace kiln::halide {

// The element indices of the scalar (broadcast) loads of `buffer` in `s`, with the lets bound
// inside `s` substituted: unrolled code names its addresses through lets, which would hide that
// two of them share a line. `s` must hold no loop (its indices would depend on the loop's
// variable); std::invalid_argument otherwise.
std::vector<Halide::Expr> scalar_load_indices(const Halide::Internal::Stmt& s,
                                              const std::string& buffer);

// `indices` with those within 16 floats (a 64-byte line) of an earlier one dropped, where the
// difference is provably constant. That is one address per line when the first index starts a
// line, as a 16-lane pixel of the blocked layouts does; with 8-lane (AVX2) pixels a tile that
// starts mid-line leaves its last line to the hardware prefetcher.
std::vector<Halide::Expr> distinct_lines(const std::vector<Halide::Expr>& indices);

// `then` preceded by one prefetch of `buffer` at each index.
Halide::Internal::Stmt prefetch_then(const std::string& buffer,
                                     const std::vector<Halide::Expr>& indices,
                                     Halide::Internal::Stmt then);

}  // namespace kiln::halide
