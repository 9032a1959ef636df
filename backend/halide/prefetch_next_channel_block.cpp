#include "backend/halide/prefetch_next_channel_block.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "backend/halide/prefetch_lines.h"

namespace kiln::halide {
namespace {

using Halide::Expr;
using namespace Halide::Internal;

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
    std::vector<Expr> lines = distinct_lines(loop_free_load_indices(first, buffer_, true));
    for (Expr& line : lines) line = simplify(line + make_const(line.type(), block_stride_));
    return prefetch_then(buffer_, lines, loop);
  }

  std::string buffer_, loop_;
  int64_t block_stride_;
};

}  // namespace

void add_next_channel_block_prefetch(Halide::Pipeline& pipeline, const std::string& buffer,
                                     const std::string& channel_loop, int64_t block_stride) {
  require_offset32("add_next_channel_block_prefetch", "block stride", block_stride);
  pipeline.add_custom_lowering_pass(
      new PrefetchNextChannelBlock(buffer, channel_loop, block_stride));
}

}  // namespace kiln::halide
