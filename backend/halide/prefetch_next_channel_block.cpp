#include "backend/halide/prefetch_next_channel_block.h"

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "temporal_prefetch_bitcode.h"

namespace kiln::halide {
namespace {

using Halide::Expr;
using namespace Halide::Internal;

// The indices of the scalar loads of one buffer (in a conv's channel loop, the broadcast
// pixels), with the lets bound inside the visited statement expanded: the unrolled steps name
// their addresses through lets, which would hide that they share a line.
class ScalarLoads : public IRVisitor {
 public:
  explicit ScalarLoads(std::string buffer) : buffer_(std::move(buffer)) {}
  std::vector<Expr> indices;

 private:
  using IRVisitor::visit;
  void visit(const LetStmt* op) override {
    op->value.accept(this);
    lets_.emplace_back(op->name, op->value);
    op->body.accept(this);
    lets_.pop_back();
  }
  void visit(const Let* op) override {
    op->value.accept(this);
    lets_.emplace_back(op->name, op->value);
    op->body.accept(this);
    lets_.pop_back();
  }
  void visit(const Load* op) override {
    if (op->name == buffer_ && op->type.is_scalar()) {
      Expr index = op->index;
      for (auto let = lets_.rbegin(); let != lets_.rend(); ++let) {
        index = substitute(let->first, let->second, index);
      }
      indices.push_back(index);
    }
    IRVisitor::visit(op);
  }
  std::string buffer_;
  std::vector<std::pair<std::string, Expr>> lets_;
};

class PrefetchNextChannelBlock : public IRMutator {
 public:
  PrefetchNextChannelBlock(std::string buffer, std::string loop, int64_t block_stride)
      : buffer_(std::move(buffer)), loop_(std::move(loop)), block_stride_(block_stride) {}

 private:
  using IRMutator::visit;

  Stmt visit(const For* op) override {
    Stmt loop = IRMutator::visit(op);
    if (op->name != loop_ && op->name != loop_ + ".rxo") return loop;
    std::vector<Stmt> block{};
    for (const Expr& address : next_block_lines(op)) {
      block.push_back(Evaluate::make(
          Call::make(Halide::Float(32), Call::prefetch,
                     {Variable::make(Halide::Handle(), buffer_), address, 1, 1}, Call::Intrinsic)));
    }
    block.push_back(loop);
    return Block::make(block);
  }

  // First-iteration addresses of the loop's scalar loads, a block further, one per cache line:
  // the channels of one line differ by less than a line's 16 floats (the unrolled steps).
  std::vector<Expr> next_block_lines(const For* op) const {
    ScalarLoads loads(buffer_);
    op->body.accept(&loads);
    std::vector<Expr> lines;
    for (const Expr& index : loads.indices) {
      const Expr first = simplify(substitute(op->name, op->min, index));
      bool same_line = false;
      for (const Expr& line : lines) {
        const int64_t* d = as_const_int(simplify(first - line));
        same_line = same_line || (d != nullptr && *d > -16 && *d < 16);
      }
      if (!same_line) lines.push_back(first);
    }
    // In the indices' own (32-bit) type, as Halide's flattened addresses are.
    for (Expr& line : lines) line = simplify(line + make_const(line.type(), block_stride_));
    return lines;
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

Halide::ExternalCode temporal_prefetch_code(const Halide::Target& target) {
  const std::vector<uint8_t> bitcode(kTemporalPrefetchBitcode,
                                     kTemporalPrefetchBitcode + kTemporalPrefetchBitcode_size);
  return Halide::ExternalCode::bitcode_wrapper(target, bitcode, "kiln_temporal_prefetch");
}

}  // namespace kiln::halide
