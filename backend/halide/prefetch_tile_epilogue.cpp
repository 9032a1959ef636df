#include "backend/halide/prefetch_tile_epilogue.h"

#include <string>
#include <utility>
#include <vector>

#include "backend/halide/prefetch_lines.h"

namespace kiln::halide {
namespace {

using Halide::Expr;
using namespace Halide::Internal;

class PrefetchTileEpilogue : public IRMutator {
 public:
  PrefetchTileEpilogue(std::string buffer, std::string loop)
      : buffer_(std::move(buffer)), loop_(std::move(loop)) {}

 private:
  using IRMutator::visit;

  Stmt visit(const For* op) override {
    Stmt visited = IRMutator::visit(op);
    if (op->name != loop_) return visited;
    const For* loop = visited.as<For>();
    const std::vector<Expr> lines = loop_body_lines(loop, buffer_);
    if (lines.empty()) return visited;
    return prepend_to_body(loop, prefetch_each(buffer_, lines));
  }

  std::string buffer_, loop_;
};

}  // namespace

void add_tile_epilogue_prefetch(Halide::Pipeline& pipeline, const std::string& buffer,
                                const std::string& tile_loop) {
  pipeline.add_custom_lowering_pass(new PrefetchTileEpilogue(buffer, tile_loop));
}

}  // namespace kiln::halide
