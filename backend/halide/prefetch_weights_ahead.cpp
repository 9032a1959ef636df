#include "backend/halide/prefetch_weights_ahead.h"

#include <limits>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <vector>

#include "backend/halide/prefetch_lines.h"

namespace kiln::halide {
namespace {

using Halide::Expr;
using namespace Halide::Internal;

class PrefetchWeightsAhead : public IRMutator {
 public:
  PrefetchWeightsAhead(std::string buffer, std::string channel_loop, int64_t offset,
                       std::string row_loop)
      : buffer_(std::move(buffer)),
        channel_loop_(std::move(channel_loop)),
        row_loop_(std::move(row_loop)),
        offset_(offset) {}

 private:
  using IRMutator::visit;

  Stmt visit(const For* op) override {
    if (op->name == row_loop_) {
      const int64_t* extent = as_const_int(op->extent);
      const std::pair<int64_t, Expr> outer{row_extent_, row_min_};
      row_extent_ = extent != nullptr ? *extent : 0;
      row_min_ = op->min;
      Stmt s = IRMutator::visit(op);
      std::tie(row_extent_, row_min_) = outer;
      return s;
    }
    Stmt visited = IRMutator::visit(op);
    if (op->name != channel_loop_ || row_extent_ <= 0) return visited;
    return with_prefetches(visited.as<For>());
  }

  // `loop` with its iteration's lines, `offset_` further on, prefetched at the top of its body,
  // the i-th only in row i mod row_extent_.
  Stmt with_prefetches(const For* loop) const {
    const std::vector<Expr> lines =
        distinct_lines(loop_free_load_indices(loop->body, buffer_, false));
    if (lines.empty()) return loop;
    const Expr row = Variable::make(Halide::Int(32), row_loop_) - row_min_;
    std::vector<Stmt> block;
    for (size_t i = 0; i < lines.size(); ++i) {
      const Expr ahead = simplify(lines[i] + make_const(lines[i].type(), offset_));
      const Expr in_turn = simplify(row == static_cast<int>(i % row_extent_));
      block.push_back(IfThenElse::make(in_turn, prefetch_line(buffer_, ahead)));
    }
    block.push_back(loop->body);
    return For::make(loop->name, loop->min, loop->extent, loop->for_type, loop->device_api,
                     Block::make(block));
  }

  std::string buffer_, channel_loop_, row_loop_;
  int64_t offset_;
  int64_t row_extent_ = 0;
  Expr row_min_;
};

}  // namespace

void add_weights_ahead_prefetch(Halide::Pipeline& pipeline, const std::string& buffer,
                                const std::string& channel_loop, int64_t offset,
                                const std::string& row_loop) {
  // Halide indexes these buffers with 32-bit offsets.
  if (offset <= 0 || offset > std::numeric_limits<int32_t>::max()) {
    throw std::invalid_argument("add_weights_ahead_prefetch: offset " + std::to_string(offset) +
                                " is not a positive 32-bit offset");
  }
  pipeline.add_custom_lowering_pass(
      new PrefetchWeightsAhead(buffer, channel_loop, offset, row_loop));
}

}  // namespace kiln::halide
