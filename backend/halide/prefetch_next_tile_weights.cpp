#include "backend/halide/prefetch_next_tile_weights.h"

#include <map>
#include <utility>
#include <vector>

#include "backend/halide/prefetch_lines.h"

namespace kiln::halide {
namespace {

using Halide::Expr;
using namespace Halide::Internal;

class PrefetchNextTileWeights : public IRMutator {
 public:
  explicit PrefetchNextTileWeights(NextTileWeights where) : where_(std::move(where)) {}

 private:
  using IRMutator::visit;

  Stmt visit(const For* op) override {
    if (op->name == where_.row_loop) {
      const ScopedValue<LoopInfo> in_row(row_, LoopInfo::of(op));
      return IRMutator::visit(op);
    }
    if (op->name == where_.block_loop) return visit_block_loop(op);
    if (op->name == where_.channel_loop) {
      record_tile_start(op);
      return IRMutator::visit(op);
    }
    // Loops between the block loop and the channel loop: the tile's start must not use them,
    // as the prefetches go outside them.
    if (block_ != nullptr) inner_loops_.push_back(op->name);
    Stmt s = IRMutator::visit(op);
    if (block_ != nullptr) inner_loops_.pop_back();
    return s;
  }

  // The lines are spread over the task's row x block visits: left alone unless both counts are
  // constant and positive (a zero would divide by zero).
  Stmt visit_block_loop(const For* op) {
    tile_start_ = Expr();
    block_ = op;
    Stmt visited = IRMutator::visit(op);
    block_ = nullptr;
    const int64_t* extent = as_const_int(op->extent);
    if (row_.extent <= 0 || extent == nullptr || *extent <= 0 || !tile_start_.defined()) {
      return visited;
    }
    return with_prefetches(visited.as<For>(), *extent);
  }

  // Lets between the block loop and the channel loop name parts of the addresses (the block's
  // offset); they are substituted so that the tile's start can be found.
  Stmt visit(const LetStmt* op) override {
    lets_.emplace_back(op->name, op->value);
    Stmt s = IRMutator::visit(op);
    lets_.pop_back();
    return s;
  }

  // The tile's first line: the channel loop's first weight line at the first block and step.
  void record_tile_start(const For* loop) {
    if (block_ == nullptr) return;
    const std::vector<Expr> lines = loop_body_lines(loop, where_.buffer);
    if (lines.empty()) return;
    const Expr line0 = substitute_lets(lets_, lines[0]);
    const std::map<std::string, Expr> first{{loop->name, loop->min}, {block_->name, block_->min}};
    const Expr start = simplify(substitute(first, line0));
    for (const std::string& name : inner_loops_)
      if (expr_uses_var(start, name)) return;  // an unexpected nest: leave it alone
    tile_start_ = start;
  }

  // At the top of each block iteration, the next tile's lines numbered
  // (row * blocks + block) * per_block + i, i < per_block, clamped to the tile's last line:
  // the tile's lines in order, spread evenly over the task's rows.
  Stmt with_prefetches(const For* loop, int64_t blocks) const {
    const int64_t tile_lines = where_.tile_elements / kFloatsPerLine;
    const int64_t visits = row_.extent * blocks;
    const int per_block = static_cast<int>((tile_lines + visits - 1) / visits);
    const Expr row = Variable::make(Halide::Int(32), where_.row_loop) - row_.min;
    const Expr block = Variable::make(Halide::Int(32), loop->name) - loop->min;
    const Expr first_line = (row * static_cast<int>(blocks) + block) * per_block;
    const Expr next_tile = tile_start_ + make_const(tile_start_.type(), where_.tile_elements);
    std::vector<Stmt> prefetches;
    for (int i = 0; i < per_block; ++i) {
      const Expr line = Halide::min(first_line + i, static_cast<int>(tile_lines - 1));
      prefetches.push_back(
          prefetch_line(where_.buffer, simplify(next_tile + line * kFloatsPerLine)));
    }
    return prepend_to_body(loop, std::move(prefetches));
  }

  NextTileWeights where_;
  LoopInfo row_;                          // the task's row loop being visited
  const For* block_ = nullptr;            // the block loop being visited
  std::vector<std::string> inner_loops_;  // loops open inside it
  Expr tile_start_;                       // found in the block loop's channel loop
  LetStack lets_;
};

}  // namespace

void add_next_tile_weights_prefetch(Halide::Pipeline& pipeline, const NextTileWeights& where) {
  require_offset32("add_next_tile_weights_prefetch", "tile elements", where.tile_elements);
  pipeline.add_custom_lowering_pass(new PrefetchNextTileWeights(where));
}

}  // namespace kiln::halide
