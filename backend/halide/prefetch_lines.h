// Software prefetch on Halide's final flattened IR (private to backend/halide): finding the
// lines a statement reads, one address per cache line, emitting prefetches for them, and the
// code that makes those prefetches temporal. Used by the custom lowering pass of
// prefetch_next_channel_block.h (Pipeline::add_custom_lowering_pass), where a buffer access is
// a Load of a named host pointer at an element index.
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

// `indices` with those on the same 64-byte line as an earlier one dropped (16 floats; two
// indices are on one line when they provably differ by less than 16, which holds for the
// channel lanes of one pixel in the blocked layouts).
std::vector<Halide::Expr> distinct_lines(const std::vector<Halide::Expr>& indices);

// `then` preceded by one prefetch of `buffer` at each index.
Halide::Internal::Stmt prefetch_then(const std::string& buffer,
                                     const std::vector<Halide::Expr>& indices,
                                     Halide::Internal::Stmt then);

// What a module using these passes must link for its prefetches to be prefetcht0 rather than
// Halide 14's prefetchnta (temporal_prefetch.ll). x86-64 only; and only ahead-of-time modules
// can: the JIT takes no external code, so JIT kernels are compiled without the passes.
Halide::ExternalCode temporal_prefetch_code(const Halide::Target& target);

}  // namespace kiln::halide
