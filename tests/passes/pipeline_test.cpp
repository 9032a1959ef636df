// The pass manager: pipeline spelling, errors that name the pass, and the
// instrumentation (dumps, statistics, remarks, verify-each, verify-numerics).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>

#include "frontend/graph_stats.h"
#include "ir/printer.h"
#include "pass_test_util.h"

namespace kiln {
namespace {

using ::testing::HasSubstr;

// A small network every -O pass has work in.
const char* const kNet = R"(graph @net {
  %data = input() : f32[1,3,6,6]
  %conv.weight = weight() : f32[4,3,3,3]
  %conv = conv2d(%data, %conv.weight) {kernel = [3, 3], pad = [1, 1, 1, 1]} : f32[1,4,6,6]
  %bn.scale = weight() : f32[4]
  %bn.bias = weight() : f32[4]
  %bn.mean = weight() : f32[4]
  %bn.variance = weight() : f32[4]
  %bn = batch_norm(%conv, %bn.scale, %bn.bias, %bn.mean, %bn.variance) : f32[1,4,6,6]
  %relu = relu(%bn) : f32[1,4,6,6]
  %pool = global_avg_pool(%relu) : f32[1,4,1,1]
  %drop = dropout(%pool) : f32[1,4,1,1]
  %flat = flatten(%drop) : f32[1,4]
  %fc.weight = weight() : f32[3,4]
  %out = dense(%flat, %fc.weight) : f32[1,3]
  %aux.weight = weight() : f32[3,4]
  %aux = dense(%flat, %aux.weight) : f32[1,3]
  output %out
  output aux %aux
}
)";

// Test-only passes, registered once for the whole binary.
class LambdaPass : public Pass {
 public:
  LambdaPass(std::string name, std::function<void(Graph&, PassContext&)> body)
      : name_(std::move(name)), body_(std::move(body)) {}
  std::string name() const override { return name_; }
  std::string description() const override { return "test only"; }
  void run(Graph& g, PassContext& ctx) override { body_(g, ctx); }

 private:
  std::string name_;
  std::function<void(Graph&, PassContext&)> body_;
};

void scale_weight(PassContext& ctx, const std::string& name, float factor) {
  for (float& v : ctx.weights().at(name).data) v *= factor;
}

void register_test_passes() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto add = [](const std::string& name, std::function<void(Graph&, PassContext&)> body) {
      register_pass(name, [=] { return std::make_unique<LambdaPass>(name, body); });
    };
    // Gives %out a type its op does not produce.
    add("test-break-types", [](Graph& g, PassContext&) {
      g.find("out")->set_type(TensorType({1, 7}));
    });
    add("test-perturb", [](Graph&, PassContext& ctx) { scale_weight(ctx, "fc.weight", 1.01f); });
    add("test-nudge",
        [](Graph&, PassContext& ctx) { scale_weight(ctx, "fc.weight", 1.0f + 1e-6f); });
    add("test-throw", [](Graph&, PassContext&) { throw Error("boom"); });
  });
}

struct PipelineRun {
  std::unique_ptr<Graph> g;
  WeightMap weights;
  std::ostringstream log;
  PipelineOptions options;

  explicit PipelineRun(std::vector<std::string> passes) : g(parse_graph(kNet, "net.kir")) {
    register_test_passes();
    options.passes = std::move(passes);
    options.log = &log;
  }
  PipelineResult go() { return run_pipeline(*g, weights, options); }
  std::string error() {
    try {
      go();
    } catch (const Error& e) {
      return e.what();
    }
    ADD_FAILURE() << "the pipeline did not fail";
    return "";
  }
};

TEST(PassRegistryTest, ListsTheBuiltInsInPipelineOrder) {
  std::vector<std::string> names;
  for (const auto& p : all_passes()) {
    names.push_back(p->name());
    EXPECT_FALSE(p->description().empty()) << p->name();
  }
  std::vector<std::string> builtins(names.begin(), names.begin() + 5);
  EXPECT_EQ(builtins, (std::vector<std::string>{"strip-training", "canonicalize", "fold-bn",
                                                "fuse-conv-activation", "dce"}));
  EXPECT_EQ(default_pipeline(), builtins);
  EXPECT_EQ(create_pass("fold-bn")->name(), "fold-bn");
  EXPECT_EQ(create_pass("fold-batch-norm"), nullptr);
}

TEST(PassRegistryTest, ParsesAPipeline) {
  EXPECT_EQ(parse_pipeline("fold-bn, dce"), (std::vector<std::string>{"fold-bn", "dce"}));
  try {
    parse_pipeline("fold-bn,fuse-relu");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("unknown pass 'fuse-relu'"));
    EXPECT_THAT(std::string(e.what()), HasSubstr("fuse-conv-activation"));
  }
  EXPECT_THROW(parse_pipeline("fold-bn,,dce"), Error);
}

TEST(PassRegistryTest, RejectsADuplicateRegistration) {
  EXPECT_THROW(register_pass("dce", [] { return create_pass("dce"); }), Error);
}

TEST(PipelineTest, UnknownPassIsAnErrorBeforeAnythingRuns) {
  PipelineRun r({"strip-training", "no-such-pass"});
  const std::string before = print_graph(*r.g);
  EXPECT_THAT(r.error(), HasSubstr("unknown pass 'no-such-pass'"));
  EXPECT_EQ(print_graph(*r.g), before);
}

TEST(PipelineTest, KeepOutputsMustNameAGraphOutput) {
  PipelineRun r({"strip-training"});
  r.options.keep_outputs = {"flat"};
  EXPECT_THAT(r.error(), HasSubstr("strip-training: cannot keep output %flat"));
}

TEST(PipelineTest, VerifyEachNamesThePassThatBrokeTheGraph) {
  PipelineRun r({"strip-training", "test-break-types", "dce"});
  r.options.verify_each = true;
  std::string e = r.error();
  EXPECT_THAT(e, HasSubstr("pass 'test-break-types' left an invalid graph"));
  EXPECT_THAT(e, HasSubstr("%out: declared type f32[1,7]"));
}

TEST(PipelineTest, WithoutVerifyEachTheEndOfThePipelineStillVerifies) {
  PipelineRun r({"test-break-types", "dce"});
  EXPECT_THAT(r.error(), HasSubstr("rerun with --verify-each"));
}

TEST(PipelineTest, VerifyNumericsNamesThePassThatChangedTheOutputs) {
  PipelineRun r({"strip-training", "fold-bn", "test-perturb", "dce"});
  r.options.verify_numerics = true;
  std::string e = r.error();
  EXPECT_THAT(e, HasSubstr("pass 'test-perturb' changed the outputs"));
  EXPECT_THAT(e, HasSubstr("in %out at flat index"));
}

TEST(PipelineTest, VerifyNumericsAcceptsChangesWithinTheTolerance) {
  PipelineRun r({"fold-bn", "test-nudge"});
  r.options.verify_numerics = true;
  PipelineResult result = r.go();
  ASSERT_EQ(result.steps.size(), 2u);
  EXPECT_GT(result.steps[1].max_rel_error, 0);
  EXPECT_LE(result.steps[1].max_rel_error, 1e-4);
  // verify_numerics with no weights seeds them: the map is then usable.
  EXPECT_TRUE(r.weights.count("fc.weight"));
}

TEST(PipelineTest, ErrorsInsideAPassNameIt) {
  PipelineRun r({"dce", "test-throw"});
  EXPECT_EQ(r.error(), "test-throw: boom");
}

TEST(PipelineTest, PrintsIrDumpsWithOptStyleHeaders) {
  PipelineRun r(default_pipeline());
  r.options.print_after_all = true;
  r.options.print_before = {"fold-bn"};
  r.go();
  const std::string log = r.log.str();
  for (const std::string& pass : default_pipeline())
    EXPECT_THAT(log, HasSubstr("# *** IR Dump After " + pass + " ***\ngraph @net {")) << pass;
  EXPECT_THAT(log, HasSubstr("# *** IR Dump Before fold-bn ***\ngraph @net {"));
  EXPECT_EQ(log.find("IR Dump Before dce"), std::string::npos);
  // The dump after the last pass is the final graph.
  EXPECT_THAT(log, HasSubstr("# *** IR Dump After dce ***\n" + print_graph(*r.g)));
}

TEST(PipelineTest, PrintAfterSelectsPasses) {
  PipelineRun r(default_pipeline());
  r.options.print_after = {"strip-training"};
  r.go();
  EXPECT_THAT(r.log.str(), HasSubstr("IR Dump After strip-training"));
  EXPECT_EQ(r.log.str().find("IR Dump After fold-bn"), std::string::npos);
}

TEST(PipelineTest, StatisticsCountPerStepWithCostsAroundIt) {
  PipelineRun r(default_pipeline());
  r.weights = test::seeded_weights_for_test(*r.g);
  r.options.stats = true;
  const GraphStats start = compute_graph_stats(*r.g);
  PipelineResult result = r.go();
  ASSERT_EQ(result.steps.size(), 5u);
  EXPECT_EQ(result.steps.front().params_before, start.parameters);
  EXPECT_EQ(result.steps.front().flops_before, start.flops);
  EXPECT_EQ(result.steps.back().params_after, compute_graph_stats(*r.g).parameters);
  for (size_t i = 1; i < result.steps.size(); ++i)
    EXPECT_EQ(result.steps[i].params_before, result.steps[i - 1].params_after);
  const PassStep& strip = result.steps[0];
  EXPECT_EQ(strip.counters.at("outputs removed"), 1);
  EXPECT_EQ(strip.counters.at("dropouts removed"), 1);
  EXPECT_EQ(strip.params_after, strip.params_before - 12);  // %aux.weight
  const PassStep& fold = result.steps[2];
  EXPECT_EQ(fold.counters.at("batch norms folded"), 1);
  EXPECT_LT(fold.flops_after, fold.flops_before);
  EXPECT_EQ(result.steps[3].counters.at("fused conv2d+relu"), 1);
  EXPECT_EQ(result.statistics.at("fold-bn").at("batch norms folded"), 1);
  const std::string log = r.log.str();
  EXPECT_THAT(log, HasSubstr("# === Pass statistics ===\n1. strip-training"));
  EXPECT_THAT(log, HasSubstr("3. fold-bn"));
  EXPECT_THAT(log, HasSubstr("   batch norms folded: 1\n"));
  EXPECT_THAT(log, HasSubstr("   parameters: "));
  EXPECT_THAT(log, HasSubstr("   FLOPs:      "));
}

TEST(PipelineTest, RemarksGoToTheLogWithLocations) {
  PipelineRun r({"strip-training", "fuse-conv-activation"});
  r.options.remarks = true;
  PipelineResult result = r.go();
  const std::string log = r.log.str();
  EXPECT_THAT(log, HasSubstr("net.kir:17:3: remark: strip-training: removed aux output %aux\n"));
  // The relu reads a batch norm: nothing to fuse into, so no remark at all.
  EXPECT_EQ(log.find("kept %relu"), std::string::npos);
  ASSERT_FALSE(result.remarks.empty());
  EXPECT_EQ(result.remarks[0].kind, Remark::Kind::applied);
}

TEST(PipelineTest, MissedRemarksSayWhy) {
  PipelineRun r({"fold-bn"});
  r.g = parse_graph(std::string(kNet).replace(std::string(kNet).find("output %out"), 11,
                                              "output %out\n  output %conv"),
                    "net.kir");
  r.options.remarks = true;
  r.go();
  EXPECT_THAT(r.log.str(),
              HasSubstr("net.kir:9:3: missed: fold-bn: kept %bn: %conv is a graph output\n"));
}

TEST(PipelineTest, OriginsRecordWhatEachFusedNodeCovers) {
  PipelineRun r(default_pipeline());
  PipelineResult result = r.go();
  EXPECT_EQ(result.origins.at("relu"), (std::vector<std::string>{"conv", "bn", "relu"}));
  EXPECT_EQ(result.origins.count("out"), 0u);
}

TEST(PipelineTest, ShapesOnlyGivesTheSameGraphAsWithWeights) {
  PipelineRun shapes(default_pipeline());
  shapes.go();
  EXPECT_TRUE(shapes.weights.empty());
  PipelineRun full(default_pipeline());
  full.weights = test::seeded_weights_for_test(*full.g);
  full.go();
  EXPECT_EQ(print_graph(*shapes.g), print_graph(*full.g));
  for (const Node* w : full.g->weights()) EXPECT_TRUE(full.weights.count(w->name())) << w->name();
  EXPECT_EQ(full.weights.size(), full.g->weights().size());
}

TEST(PipelineTest, AMissingTensorIsAnErrorNamingPassAndWeight) {
  PipelineRun r({"fold-bn"});
  r.weights = test::seeded_weights_for_test(*r.g);
  r.weights.erase("bn.variance");
  EXPECT_THAT(r.error(), HasSubstr("fold-bn: weight %bn.variance has no tensor in the weight map"));
}

}  // namespace
}  // namespace kiln
