// Graph surgery shared by the passes: use checks with the reason spelt out
// for missed remarks, weights created and read through the PassContext, and
// replacing a chain of nodes by one.
#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/tensor.h"
#include "passes/pass.h"

namespace kiln::passes {

// "%name".
std::string ref(const Node& n);

// Names of the nodes with op `op`, in graph order. Passes that erase nodes
// walk these, looking each up again, rather than a list of pointers.
std::vector<std::string> names_with_op(const Graph& g, const std::string& op);

// Why `n` cannot be absorbed into its single consumer: "" when it has exactly
// one use and is not a graph output, else "%conv4 has 2 users" or
// "%conv4 is a graph output".
std::string sole_use_problem(const Graph& g, const Node& n);

// A weight or an inline constant: a value known before any input arrives.
bool is_parameter(const Node& n);

// The value of a parameter node. Constants are materialised into `scratch`;
// weights are looked up in ctx.weights() (a kiln::Error naming the pass when
// the tensor is missing or has the wrong type).
const Tensor& parameter_value(const PassContext& ctx, const std::string& pass, const Node& n,
                              Tensor& scratch);

// `base`, or `base.1`, `base.2`, ... : the first name neither the graph nor
// the weight map uses.
std::string fresh_weight_name(const Graph& g, const PassContext& ctx, const std::string& base);

// Declares a new weight before `pos` named fresh_weight_name(base) and stores
// its tensor (unless ctx.shapes_only, when only the node is made).
Node* add_weight(Graph& g, PassContext& ctx, Node* pos, const std::string& base, Tensor value);

// Erases `n` when nothing uses it, then its operands that become unused in
// turn; a weight's tensor leaves the map with its node. Graph inputs stay.
// Returns the number of nodes erased.
int erase_if_unused(Graph& g, PassContext& ctx, Node* n);
// The same for several candidates, each visited once even when listed twice.
int erase_unused(Graph& g, PassContext& ctx, std::vector<Node*> candidates);

// Replaces `chain` (in graph order; each value feeding only the next) by one
// new node of `op` placed where the last one was: operands defined before any
// chain member stay valid, and so does anything the last one's users see.
// The new node takes the last one's name and type, the first one's location,
// and records the chain in ctx.origins(). The chain's nodes are erased; their
// operands are not (the caller decides what became dead).
Node* replace_chain(Graph& g, PassContext& ctx, const std::vector<Node*>& chain,
                    const std::string& op, std::vector<Node*> inputs, AttrMap attrs);

// Why the identity `n` (dropout, a no-op reshape, ...) cannot be bypassed, or
// "". An output may not be listed twice, so an identity that is a graph
// output stays when its operand is one too.
std::string bypass_problem(const Graph& g, const Node& n);
// Removes the identity `n` by pointing its users at operand 0; a graph output
// on it is redirected to operand 0 (the output then carries that name).
void bypass_identity(Graph& g, Node* n);

}  // namespace kiln::passes
