#include "backend/halide/prefetch_next_tile_weights.h"

#include <limits>
#include <map>
#include <stdexcept>
#include <utility>
#include <vector>

#include "backend/halide/prefetch_lines.h"

namespace kiln::halide {
namespace {

using Halide::Expr;
using namespace Halide::Internal;

constexpr int kLineElements = 16;  // floats per 64-byte line

struct LoopInfo {
  Expr min;
  int64_t extent = 0;  // 0: not entered, or not constant
};

class PrefetchNextTileWeights : public IRMutator {
 public:
  explicit PrefetchNextTileWeights(NextTileWeights spec) : spec_(std::move(spec)) {}

 private:
  using IRMutator::visit;

  Stmt visit(const For* op) override {
    if (op->name == spec_.row_loop) {
      const LoopInfo outer = row_;
      const int64_t* extent = as_const_int(op->extent);
      row_ = {op->min, extent != nullptr ? *extent : 0};
      Stmt s = IRMutator::visit(op);
      row_ = outer;
      return s;
    }
    if (op->name == spec_.block_loop) {
      tile_start_ = Expr();
      block_ = op;
      Stmt visited = IRMutator::visit(op);
      block_ = nullptr;
      const int64_t* extent = as_const_int(op->extent);
      if (row_.extent <= 0 || extent == nullptr || !tile_start_.defined()) return visited;
      return with_prefetches(visited.as<For>(), *extent);
    }
    if (op->name == spec_.channel_loop) {
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
    const std::vector<Expr> lines =
        distinct_lines(loop_free_load_indices(loop->body, spec_.buffer, false));
    if (lines.empty()) return;
    Expr line0 = lines[0];
    for (auto let = lets_.rbegin(); let != lets_.rend(); ++let)
      line0 = substitute(let->first, let->second, line0);
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
    const int64_t tile_lines = spec_.tile_elements / kLineElements;
    const int64_t visits = row_.extent * blocks;
    const int per_block = static_cast<int>((tile_lines + visits - 1) / visits);
    const Expr row = Variable::make(Halide::Int(32), spec_.row_loop) - row_.min;
    const Expr block = Variable::make(Halide::Int(32), loop->name) - loop->min;
    const Expr first_line = (row * static_cast<int>(blocks) + block) * per_block;
    const Expr next_tile = tile_start_ + make_const(tile_start_.type(), spec_.tile_elements);
    std::vector<Stmt> body;
    for (int i = 0; i < per_block; ++i) {
      const Expr line = Halide::min(first_line + i, static_cast<int>(tile_lines - 1));
      body.push_back(prefetch_line(spec_.buffer, simplify(next_tile + line * kLineElements)));
    }
    body.push_back(loop->body);
    return For::make(loop->name, loop->min, loop->extent, loop->for_type, loop->device_api,
                     Block::make(body));
  }

  NextTileWeights spec_;
  LoopInfo row_;
  const For* block_ = nullptr;            // the block loop being visited
  std::vector<std::string> inner_loops_;  // loops open inside it
  Expr tile_start_;                       // found in the block loop's channel loop
  std::vector<std::pair<std::string, Expr>> lets_;
};

}  // namespace

void add_next_tile_weights_prefetch(Halide::Pipeline& pipeline, const NextTileWeights& spec) {
  if (spec.tile_elements <= 0 || spec.tile_elements > std::numeric_limits<int32_t>::max()) {
    throw std::invalid_argument("add_next_tile_weights_prefetch: tile of " +
                                std::to_string(spec.tile_elements) +
                                " elements is not a positive 32-bit offset");
  }
  pipeline.add_custom_lowering_pass(new PrefetchNextTileWeights(spec));
}

}  // namespace kiln::halide
