// Building blocks of Kiln's software-prefetch lowering passes (private to backend/halide): find
// the cache lines a piece of lowered code loads from a buffer, and prefetch them.
#pragma once

#include <string>
#include <vector>

#include "Halide.h"

namespace kiln::halide {

// The element indices at which `s` loads from `buffer`, in terms of the variables in scope
// around `s`: lets bound inside `s` are substituted (unrolled code names its addresses through
// lets, which would hide that two of them share a line). A vector load contributes its first
// and last lane. Loads inside loops of `s` are skipped (their indices depend on the loop's
// variable); with `scalar_only`, so are vector loads.
std::vector<Halide::Expr> loop_free_load_indices(const Halide::Internal::Stmt& s,
                                                 const std::string& buffer, bool scalar_only);

// `indices` with those within 16 floats (a 64-byte line) of an earlier one dropped, where the
// difference is provably constant. That is one address per line when the first index starts a
// line, as a 16-lane pixel of the blocked layouts does; with 8-lane (AVX2) pixels a tile that
// starts mid-line leaves its last line to the hardware prefetcher.
std::vector<Halide::Expr> distinct_lines(const std::vector<Halide::Expr>& indices);

// One prefetch of the line of `buffer` holding element `index`.
Halide::Internal::Stmt prefetch_line(const std::string& buffer, const Halide::Expr& index);

// `then` preceded by one prefetch of `buffer` at each index.
Halide::Internal::Stmt prefetch_then(const std::string& buffer,
                                     const std::vector<Halide::Expr>& indices,
                                     Halide::Internal::Stmt then);

}  // namespace kiln::halide
