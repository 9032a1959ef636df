#include "backend/halide/prefetch_weights_ahead.h"

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
      const ScopedValue<LoopInfo> in_row(row_, LoopInfo::of(op));
      return IRMutator::visit(op);
    }
    Stmt visited = IRMutator::visit(op);
    if (op->name != channel_loop_ || row_.extent <= 0) return visited;
    return with_prefetches(visited.as<For>());
  }

  // `loop` with its iteration's lines, `offset_` further on, prefetched at the top of its body,
  // the i-th only in row i mod row_.extent.
  Stmt with_prefetches(const For* loop) const {
    const std::vector<Expr> lines = loop_body_lines(loop, buffer_);
    if (lines.empty()) return loop;
    const Expr row = Variable::make(Halide::Int(32), row_loop_) - row_.min;
    std::vector<Stmt> prefetches;
    for (size_t i = 0; i < lines.size(); ++i) {
      const Expr ahead = simplify(lines[i] + make_const(lines[i].type(), offset_));
      const Expr in_turn = simplify(row == static_cast<int>(i % row_.extent));
      prefetches.push_back(IfThenElse::make(in_turn, prefetch_line(buffer_, ahead)));
    }
    return prepend_to_body(loop, std::move(prefetches));
  }

  std::string buffer_, channel_loop_, row_loop_;
  int64_t offset_;
  LoopInfo row_;  // the row loop being visited
};

}  // namespace

void add_weights_ahead_prefetch(Halide::Pipeline& pipeline, const std::string& buffer,
                                const std::string& channel_loop, int64_t offset,
                                const std::string& row_loop) {
  require_offset32("add_weights_ahead_prefetch", "offset", offset);
  pipeline.add_custom_lowering_pass(
      new PrefetchWeightsAhead(buffer, channel_loop, offset, row_loop));
}

}  // namespace kiln::halide
