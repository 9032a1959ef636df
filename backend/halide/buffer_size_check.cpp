#include "backend/halide/buffer_size_check.h"

#include "backend/halide/buffer_index_limit.h"
#include "ir/error.h"

namespace kiln::halide {
namespace {

// What the user can do about it: the limit is the backend's, not the model's.
const char* const kAdvice =
    "; use a smaller batch (--batch) or input, or the reference interpreter (kiln run without "
    "--backend=halide), which indexes with 64 bits and has no such limit";

std::string join(const std::vector<int>& extents) {
  std::string out;
  for (size_t d = 0; d < extents.size(); ++d)
    out += (d > 0 ? "," : "") + std::to_string(extents[d]);
  return out;
}

// Why a blocked tensor can break the limit when its graph value does not.
std::string padding_note(const Plan& plan, const PlanTensor& t) {
  const bool blocked = t.extents.size() == 5 && t.extents[0] == plan.block;
  return blocked ? ", channels padded to a multiple of " + std::to_string(plan.block) : "";
}

}  // namespace

void check_graph_buffer_sizes(const Graph& g) {
  for (const Node* n : g.nodes()) {
    const int64_t elements = n->type().num_elements();
    if (elements <= kMaxBufferElements) continue;
    throw Error(n->loc(), "halide backend: %" + n->name() + " (" + n->op() + ") is " +
                              n->type().str() + ", " + std::to_string(elements) +
                              " elements: " + buffer_limit_text() + kAdvice);
  }
}

void check_plan_buffer_sizes(const Plan& plan) {
  for (const PlanTensor& t : plan.tensors) {
    const std::string excess = buffer_index_excess(t);
    if (excess.empty()) continue;
    throw Error("halide backend: tensor '" + t.name + "' (extents [" + join(t.extents) +
                "] innermost first" + padding_note(plan, t) + ") " + excess + ", " +
                buffer_limit_text() + kAdvice);
  }
}

}  // namespace kiln::halide
