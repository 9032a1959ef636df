// Building blocks of Kiln's software-prefetch lowering passes (private to backend/halide): find
// the cache lines a piece of lowered code loads from a buffer, and prefetch them.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "Halide.h"

namespace kiln::halide {

// Floats in one 64-byte cache line.
constexpr int kFloatsPerLine = 16;

// Lets open around a point of a statement, outermost first.
using LetStack = std::vector<std::pair<std::string, Halide::Expr>>;

// `e` with the values of `lets` substituted, innermost first (a let's value may name the lets
// outside it). Not simplified.
Halide::Expr substitute_lets(const LetStack& lets, Halide::Expr e);

// A loop the pass is inside: its min and, when constant, its extent (0 when not constant, or
// when no such loop is open).
struct LoopInfo {
  Halide::Expr min;
  int64_t extent = 0;
  static LoopInfo of(const Halide::Internal::For* loop);
};

// The element indices at which `s` loads from `buffer`, in terms of the variables in scope
// around `s`: lets bound inside `s` are substituted (unrolled code names its addresses through
// lets, which would hide that two of them share a line). A vector load contributes its first
// and last lane. Loads inside loops of `s` are skipped (their indices depend on the loop's
// variable); with `scalar_only`, so are vector loads.
std::vector<Halide::Expr> loop_free_load_indices(const Halide::Internal::Stmt& s,
                                                 const std::string& buffer, bool scalar_only);

// `indices` with those within kFloatsPerLine of an earlier one dropped, where the difference is
// provably constant. That is one address per line when the first index starts a line, as a
// 16-lane pixel of the blocked layouts does; with 8-lane (AVX2) pixels a tile that starts
// mid-line leaves its last line to the hardware prefetcher.
std::vector<Halide::Expr> distinct_lines(const std::vector<Halide::Expr>& indices);

// The distinct lines of `buffer` that one iteration of `loop` loads outside its inner loops.
std::vector<Halide::Expr> loop_body_lines(const Halide::Internal::For* loop,
                                          const std::string& buffer);

// One prefetch of the line of `buffer` holding element `index`.
Halide::Internal::Stmt prefetch_line(const std::string& buffer, const Halide::Expr& index);

// One prefetch of `buffer` at each index.
std::vector<Halide::Internal::Stmt> prefetch_each(const std::string& buffer,
                                                  const std::vector<Halide::Expr>& indices);

// `then` preceded by one prefetch of `buffer` at each index.
Halide::Internal::Stmt prefetch_then(const std::string& buffer,
                                     const std::vector<Halide::Expr>& indices,
                                     Halide::Internal::Stmt then);

// `loop` with `front` run at the top of every iteration, before its body.
Halide::Internal::Stmt prepend_to_body(const Halide::Internal::For* loop,
                                       std::vector<Halide::Internal::Stmt> front);

// Throws std::invalid_argument ("<pass>: <what> <value> is not a positive 32-bit offset") unless
// 0 < value <= INT32_MAX: Halide indexes these buffers with 32-bit offsets, so a larger one
// could not be added to an index.
void require_offset32(const char* pass, const char* what, int64_t value);

}  // namespace kiln::halide
