#include "backend/halide/prefetch_lines.h"

#include <cstdint>
#include <utility>

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
  void add(Expr index) {
    for (auto let = lets_.rbegin(); let != lets_.rend(); ++let) {
      index = substitute(let->first, let->second, index);
    }
    indices.push_back(simplify(index));
  }

  std::string buffer_;
  bool scalar_only_;
  std::vector<std::pair<std::string, Expr>> lets_;
};

}  // namespace

std::vector<Expr> loop_free_load_indices(const Stmt& s, const std::string& buffer,
                                         bool scalar_only) {
  LoopFreeLoadIndices found(buffer, scalar_only);
  s.accept(&found);
  return found.indices;
}

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

Stmt prefetch_line(const std::string& buffer, const Expr& index) {
  return Evaluate::make(Call::make(Halide::Float(32), Call::prefetch,
                                   {Variable::make(Halide::Handle(), buffer), index, 1, 1},
                                   Call::Intrinsic));
}

Stmt prefetch_then(const std::string& buffer, const std::vector<Expr>& indices, Stmt then) {
  std::vector<Stmt> block;
  for (const Expr& index : indices) block.push_back(prefetch_line(buffer, index));
  block.push_back(std::move(then));
  return Block::make(block);
}

}  // namespace kiln::halide
