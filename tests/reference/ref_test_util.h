// Small helpers for the reference interpreter tests: build a one-op graph,
// run it, compare against hand-computed numbers.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "backend/reference/interpreter.h"
#include "ir/graph.h"

namespace kiln::reference::testing {

inline Tensor tensor(std::vector<int64_t> dims, std::vector<float> values) {
  TensorType t(std::move(dims));
  if (t.num_elements() != static_cast<int64_t>(values.size()))
    throw std::logic_error("test tensor " + t.str() + " given " + std::to_string(values.size()) +
                           " values");
  return Tensor(std::move(t), std::move(values));
}

inline Attr ints(std::initializer_list<int64_t> v) {
  return Attr(std::vector<int64_t>(v));
}

inline AttrMap attrs(std::initializer_list<std::pair<std::string, Attr>> entries) {
  AttrMap m;
  for (const auto& [name, value] : entries) m.set(name, value);
  return m;
}

// Runs a graph made of one input per operand (%in0, %in1, ...) feeding a
// single `op` node %y, through run(), and returns %y.
inline Tensor run_op(const std::string& op, const std::vector<Tensor>& operands,
                     AttrMap node_attrs = {}) {
  Graph g("one_op");
  std::vector<Node*> ins;
  TensorMap inputs;
  for (size_t i = 0; i < operands.size(); ++i) {
    const std::string name = "in" + std::to_string(i);
    ins.push_back(g.add_node("input", name, {}, {}, operands[i].type));
    inputs[name] = operands[i];
  }
  g.add_output(g.add_node(op, "y", ins, std::move(node_attrs)));
  g.infer_shapes();
  return run(g, {}, inputs).at("y");
}

// Relative tolerance (absolute below magnitude 1): results are f32.
inline void expect_tensor(const Tensor& actual, const std::vector<int64_t>& dims,
                          const std::vector<double>& expected, double tol = 1e-6) {
  EXPECT_EQ(actual.dims(), dims) << "type " << actual.type.str();
  ASSERT_EQ(actual.data.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(actual.data[i], expected[i], tol * std::max(1.0, std::fabs(expected[i])))
        << "element " << i;
}

// Expects f() to throw kiln::Error whose message contains every part.
template <typename F>
void expect_error(F&& f, std::initializer_list<std::string> parts) {
  try {
    f();
    ADD_FAILURE() << "expected a kiln::Error";
  } catch (const Error& e) {
    const std::string message = e.what();
    for (const std::string& p : parts)
      EXPECT_NE(message.find(p), std::string::npos)
          << "\"" << message << "\" lacks \"" << p << "\"";
  }
}

}  // namespace kiln::reference::testing
