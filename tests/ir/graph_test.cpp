// The Graph API that passes build on: use lists, rewiring, erasure, cloning
// and re-batching.
#include <gtest/gtest.h>

#include "frontend/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"

namespace kiln {
namespace {

std::unique_ptr<Graph> small_graph() {
  return parse_graph(R"(graph @g {
  %x = input() : f32[1,4,6,6]
  %w = weight() : f32[4,4,1,1]
  %c = conv2d(%x, %w) {kernel = [1, 1]} : f32[1,4,6,6]
  %r = relu(%c) : f32[1,4,6,6]
  %s = add(%r, %c) : f32[1,4,6,6]
  %f = flatten(%s) : f32[1,144]
  %m = reshape(%s) {shape = [0, -1]} : f32[1,144]
  output %f
  output aux %m
}
)");
}

TEST(Graph, UsersAndUseCounts) {
  auto g = small_graph();
  Node* c = g->find("c");
  auto users = g->users(c);
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0]->name(), "r");
  EXPECT_EQ(users[1]->name(), "s");
  EXPECT_EQ(g->use_count(c), 2);
  EXPECT_EQ(g->use_count(g->find("f")), 1);  // as a graph output
  EXPECT_TRUE(g->is_output(g->find("m")));
  EXPECT_FALSE(g->is_output(c));
}

TEST(Graph, ReplaceAllUsesThenEraseKeepsTheGraphValid) {
  auto g = small_graph();
  Node* r = g->find("r");
  g->replace_all_uses(r, g->find("c"));
  EXPECT_EQ(g->use_count(r), 0);
  g->erase(r);
  EXPECT_EQ(g->find("r"), nullptr);
  EXPECT_TRUE(verify_graph(*g).empty());
  EXPECT_NE(print_graph(*g).find("%s = add(%c, %c)"), std::string::npos);
}

TEST(Graph, EraseRefusesNodesInUse) {
  auto g = small_graph();
  EXPECT_THROW(g->erase(g->find("c")), Error);
  EXPECT_THROW(g->erase(g->find("f")), Error);  // a graph output
}

TEST(Graph, InsertBeforeAndUniqueNames) {
  auto g = small_graph();
  Node* r = g->find("r");
  EXPECT_EQ(g->unique_name("c"), "c.1");
  EXPECT_EQ(g->unique_name("fresh"), "fresh");
  Node* extra = g->insert_before(r, "relu", g->unique_name("c"), {g->find("c")});
  extra->set_type(extra->def().infer(*extra));
  r->set_input(0, extra);
  auto nodes = g->nodes();
  EXPECT_EQ(nodes[3], extra);
  EXPECT_EQ(nodes[4], r);
  EXPECT_TRUE(verify_graph(*g).empty());
  EXPECT_THROW(g->add_node("relu", "c", {g->find("x")}), Error);
  EXPECT_THROW(g->add_node("no_such_op", "q"), Error);
}

TEST(Graph, CloneIsDeepAndPrintsTheSame) {
  auto g = small_graph();
  auto copy = g->clone();
  EXPECT_EQ(print_graph(*copy), print_graph(*g));
  copy->find("c")->set_attr("activation", Attr("relu"));
  EXPECT_EQ(g->find("c")->attrs().find("activation"), nullptr);
  EXPECT_NE(copy->find("r")->input(0), g->find("c"));
}

TEST(Graph, SetBatchReinfersEveryShape) {
  auto g = small_graph();
  g->set_batch(3);
  EXPECT_EQ(g->find("x")->type().str(), "f32[3,4,6,6]");
  EXPECT_EQ(g->find("f")->type().str(), "f32[3,144]");
  EXPECT_EQ(g->find("m")->type().str(), "f32[3,144]");
  EXPECT_TRUE(verify_graph(*g).empty());
  EXPECT_THROW(g->set_batch(0), Error);
}

TEST(Graph, SetBatchRejectsAReshapeFixedToBatchOne) {
  auto g = parse_graph(R"(graph @g {
  %x = input() : f32[1,8]
  %m = reshape(%x) {shape = [1, 2, 4]} : f32[1,2,4]
  output %m
}
)");
  try {
    g->set_batch(2);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("%m (reshape): cannot reshape f32[2,8]"),
              std::string::npos)
        << e.what();
  }
}

TEST(Graph, VerifierReportsOperandsOutsideTheGraph) {
  auto g = small_graph();
  auto other = small_graph();
  g->find("r")->set_input(0, other->find("c"));
  auto diags = verify_graph(*g);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].str(),
            "<input>:5:3: error: %r: x refers to a value that is not in the graph (%c)");
}

TEST(Graph, VerifierRequiresOutputs) {
  Graph g("empty");
  g.add_node("input", "x", {}, {}, TensorType({1, 2}));
  auto diags = verify_graph(g);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].str(), "graph @empty has no outputs");
}

TEST(Graph, VerifierNamesTheGraphHeaderWhenThereAreNoOutputs) {
  Graph g("m");
  g.set_loc({"m.kir", 1, 1});
  g.add_node("input", "x", {}, {}, TensorType({1, 2}));
  auto diags = verify_graph(g);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].str(), "m.kir:1:1: error: graph @m has no outputs");
}

// %v1 = relu(%vN), %vk = relu(%v(k-1)): a cycle through every node.
std::unique_ptr<Graph> ring(int n) {
  auto g = std::make_unique<Graph>("ring");
  std::vector<Node*> v;
  for (int i = 1; i <= n; ++i)
    v.push_back(g->add_node("relu", "v" + std::to_string(i), {}, {}, TensorType({1})));
  for (int i = 1; i < n; ++i) v[i]->set_inputs({v[i - 1]});
  v[0]->set_inputs({v.back()});
  g->add_output(v.back());
  return g;
}

// The search used to recurse once per node and overflowed the stack; the
// message listed every node (100 KB for 10000).
TEST(Graph, VerifierReportsALongCycleWithoutRecursingOrListingItAll) {
  auto diags = verify_graph(*ring(100000));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].str(),
            "%v1: cycle: %v1 -> %v100000 -> %v99999 -> %v99998 -> %v99997 -> ... 99990 more ... "
            "-> %v6 -> %v5 -> %v4 -> %v3 -> %v2 -> %v1");
  EXPECT_EQ(verify_graph(*ring(3))[0].str(), "%v1: cycle: %v1 -> %v3 -> %v2 -> %v1");
}

}  // namespace
}  // namespace kiln
