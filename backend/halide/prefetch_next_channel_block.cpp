#include "backend/halide/prefetch_next_channel_block.h"

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace kiln::halide {
namespace {

using Halide::Expr;
using namespace Halide::Internal;

class ScalarLoadIndices : public IRVisitor {
 public:
  explicit ScalarLoadIndices(std::string buffer) : buffer_(std::move(buffer)) {}
  std::vector<Expr> indices;

 private:
  using IRVisitor::visit;
  void visit(const LetStmt* op) override { bind(op->name, op->value, op->body); }
  void visit(const Let* op) override { bind(op->name, op->value, op->body); }
  template <typename Body>
  void bind(const std::string& name, const Expr& value, const Body& body) {
    value.accept(this);
    lets_.emplace_back(name, value);
    body.accept(this);
    lets_.pop_back();
  }
  void visit(const For* op) override {
    throw std::invalid_argument("scalar_load_indices: the statement holds loop " + op->name);
  }
  void visit(const Load* op) override {
    if (op->name == buffer_ && op->type.is_scalar()) {
      Expr index = op->index;
      for (auto let = lets_.rbegin(); let != lets_.rend(); ++let) {
        index = substitute(let->first, let->second, index);
      }
      indices.push_back(simplify(index));
    }
    IRVisitor::visit(op);
  }

  std::string buffer_;
  std::vector<std::pair<std::string, Expr>> lets_;
};

// The element indices of the scalar (broadcast) loads of `buffer` in `s`, with the lets bound
// inside `s` substituted: unrolled code names its addresses through lets, which would hide that
// two of them share a line. `s` must hold no loop (its indices would depend on the loop's
// variable); std::invalid_argument otherwise.
std::vector<Expr> scalar_load_indices(const Stmt& s, const std::string& buffer) {
  ScalarLoadIndices found(buffer);
  s.accept(&found);
  return found.indices;
}

// `indices` with those within 16 floats (a 64-byte line) of an earlier one dropped, where the
// difference is provably constant. That is one address per line when the first index starts a
// line, as a 16-lane pixel of the blocked layouts does; with 8-lane (AVX2) pixels a tile that
// starts mid-line leaves its last line to the hardware prefetcher.
std::vector<Expr> distinct_lines(const std::vector<Expr>& indices) {
  constexpr int kFloatsPerLine = 16;
  std::vector<Expr> lines;
  for (const Expr& index : indices) {
    bool same_line = false;
    for (const Expr& line : lines) {
      const int64_t* d = as_const_int(simplify(index - line));
      same_line = d != nullptr && *d > -kFloatsPerLine && *d < kFloatsPerLine;
      if (same_line) break;
    }
    if (!same_line) lines.push_back(index);
  }
  return lines;
}

// `then` preceded by one prefetch of `buffer` at each index.
Stmt prefetch_then(const std::string& buffer, const std::vector<Expr>& indices, Stmt then) {
  std::vector<Stmt> block;
  for (const Expr& index : indices) {
    block.push_back(Evaluate::make(
        Call::make(Halide::Float(32), Call::prefetch,
                   {Variable::make(Halide::Handle(), buffer), index, 1, 1}, Call::Intrinsic)));
  }
  block.push_back(std::move(then));
  return Block::make(block);
}

class PrefetchNextChannelBlock : public IRMutator {
 public:
  PrefetchNextChannelBlock(std::string buffer, std::string loop, int64_t block_stride)
      : buffer_(std::move(buffer)), loop_(std::move(loop)), block_stride_(block_stride) {}

 private:
  using IRMutator::visit;

  Stmt visit(const For* op) override {
    Stmt loop = IRMutator::visit(op);
    if (op->name != loop_) return loop;
    // The first iteration's lines, a block further on (in the indices' own 32-bit type, as
    // Halide's flattened addresses are).
    const Stmt first = substitute(op->name, op->min, op->body);
    std::vector<Expr> lines = distinct_lines(scalar_load_indices(first, buffer_));
    for (Expr& line : lines) line = simplify(line + make_const(line.type(), block_stride_));
    return prefetch_then(buffer_, lines, loop);
  }

  std::string buffer_, loop_;
  int64_t block_stride_;
};

}  // namespace

void add_next_channel_block_prefetch(Halide::Pipeline& pipeline, const std::string& buffer,
                                     const std::string& channel_loop, int64_t block_stride) {
  // Halide indexes these buffers with 32-bit offsets; a larger stride could not be added to one.
  if (block_stride <= 0 || block_stride > std::numeric_limits<int32_t>::max()) {
    throw std::invalid_argument("add_next_channel_block_prefetch: block stride " +
                                std::to_string(block_stride) + " is not a positive 32-bit offset");
  }
  pipeline.add_custom_lowering_pass(
      new PrefetchNextChannelBlock(buffer, channel_loop, block_stride));
}

}  // namespace kiln::halide
