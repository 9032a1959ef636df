// Batch-size probing for shape rewrites. A rewrite of reshape/flatten that is
// right at the graph's current batch size may be wrong at another (`kiln run
// --batch N` re-infers every shape), e.g. dropping `reshape {shape = [1, -1]}`
// on f32[1,4096]. These helpers replay a chain of single-operand shape ops on
// a hypothetical operand type, so a rewrite can be checked at a second batch
// size as well.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/attribute.h"
#include "ir/types.h"

namespace kiln::passes {

// One single-operand op and its attributes.
struct ShapeStep {
  std::string op;
  AttrMap attrs;
};

// The type a chain of steps gives for an operand of type `in`, or nullopt
// when some step rejects it.
std::optional<TensorType> apply_steps(const std::vector<ShapeStep>& steps, const TensorType& in);

// `t` with dimension 0 (the batch) changed to another size.
TensorType at_other_batch(const TensorType& t);

// True when `replacement` agrees with `original` on an operand of type `in`
// and on the same operand at another batch size. Where the original itself
// fails at the other batch size any replacement is accepted: it cannot break
// what did not work.
bool same_at_every_batch(const std::vector<ShapeStep>& original,
                         const std::vector<ShapeStep>& replacement, const TensorType& in);

}  // namespace kiln::passes
