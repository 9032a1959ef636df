#include "backend/halide/prefetch_lines.h"

#include <limits>
#include <stdexcept>

namespace kiln::halide {
namespace {

using Halide::Expr;
using namespace Halide::Internal;

class LoopFreeLoadIndices : public IRVisitor {
 public:
  LoopFreeLoadIndices(std::string buffer, bool scalar_only)
      : buffer_(std::move(buffer)), scalar_only_(scalar_only) {}
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
  void visit(const For*) override {}
  void visit(const Load* op) override {
    if (op->name == buffer_) {
      if (op->type.is_scalar()) {
        add(op->index);
      } else if (const Ramp* ramp = op->index.as<Ramp>();
                 ramp != nullptr && ramp->base.type().is_scalar() && !scalar_only_) {
        add(ramp->base);
        add(ramp->base + ramp->stride * (ramp->lanes - 1));
      }
    }
    IRVisitor::visit(op);
  }
  void add(const Expr& index) { indices.push_back(simplify(substitute_lets(lets_, index))); }

  std::string buffer_;
  bool scalar_only_;
  LetStack lets_;
};

}  // namespace

Expr substitute_lets(const LetStack& lets, Expr e) {
  for (auto let = lets.rbegin(); let != lets.rend(); ++let) {
    e = substitute(let->first, let->second, e);
  }
  return e;
}

LoopInfo LoopInfo::of(const For* loop) {
  const int64_t* extent = as_const_int(loop->extent);
  return {loop->min, extent != nullptr ? *extent : 0};
}

std::vector<Expr> loop_free_load_indices(const Stmt& s, const std::string& buffer,
                                         bool scalar_only) {
  LoopFreeLoadIndices found(buffer, scalar_only);
  s.accept(&found);
  return found.indices;
}

std::vector<Expr> distinct_lines(const std::vector<Expr>& indices) {
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

std::vector<Expr> loop_body_lines(const For* loop, const std::string& buffer) {
  return distinct_lines(loop_free_load_indices(loop->body, buffer, false));
}

Stmt prefetch_line(const std::string& buffer, const Expr& index) {
  return Evaluate::make(Call::make(Halide::Float(32), Call::prefetch,
                                   {Variable::make(Halide::Handle(), buffer), index, 1, 1},
                                   Call::Intrinsic));
}

std::vector<Stmt> prefetch_each(const std::string& buffer, const std::vector<Expr>& indices) {
  std::vector<Stmt> prefetches;
  for (const Expr& index : indices) prefetches.push_back(prefetch_line(buffer, index));
  return prefetches;
}

Stmt prefetch_then(const std::string& buffer, const std::vector<Expr>& indices, Stmt then) {
  std::vector<Stmt> block = prefetch_each(buffer, indices);
  block.push_back(std::move(then));
  return Block::make(block);
}

Stmt prepend_to_body(const For* loop, std::vector<Stmt> front) {
  front.push_back(loop->body);
  return For::make(loop->name, loop->min, loop->extent, loop->for_type, loop->device_api,
                   Block::make(front));
}

void require_offset32(const char* pass, const char* what, int64_t value) {
  if (value <= 0 || value > std::numeric_limits<int32_t>::max()) {
    throw std::invalid_argument(std::string(pass) + ": " + what + " " + std::to_string(value) +
                                " is not a positive 32-bit offset");
  }
}

}  // namespace kiln::halide
