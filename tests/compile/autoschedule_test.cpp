// --scheduler: a small CNN compiled with each autoscheduler shipped with
// Halide 14 computes what the reference interpreter computes; hand and
// autoscheduled kernels never share a signature (the kernel cache key); a
// kernel an autoscheduler cannot schedule falls back to its hand schedule with
// a warning, recorded; a missing plugin is an error naming it.
#include "backend/halide/autoschedule.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "backend/halide/codegen/codegen.h"
#include "backend/halide/conv2d_kernel.h"
#include "backend/halide/lower_graph.h"
#include "backend/halide/schedule_fallbacks.h"
#include "backend/halide/softmax_kernel.h"
#include "backend/reference/interpreter.h"
#include "frontend/parser.h"
#include "frontend/weight_init.h"
#include "passes/pass_manager.h"
#include "tests/compile/compile_test_util.h"

namespace kiln {
namespace {

using halide::Scheduler;

// conv+relu, max pool, conv with a residual (fused by -O), global average
// pooling, flatten, dense and softmax: every kernel family a classifier needs
// (the 3-channel stem reading the plain input among them).
constexpr const char* kModel = R"(graph @small {
  %data = input() : f32[1,3,32,32]
  %conv1.weight = weight() : f32[16,3,3,3]
  %conv1.bias = weight() : f32[16]
  %conv1 = conv2d(%data, %conv1.weight, %conv1.bias) {kernel = [3, 3], stride = [1, 1], pad = [1, 1, 1, 1]} : f32[1,16,32,32]
  %relu1 = relu(%conv1) : f32[1,16,32,32]
  %pool1 = max_pool2d(%relu1) {kernel = [2, 2], stride = [2, 2]} : f32[1,16,16,16]
  %conv2.weight = weight() : f32[16,16,3,3]
  %conv2 = conv2d(%pool1, %conv2.weight) {kernel = [3, 3], stride = [1, 1], pad = [1, 1, 1, 1]} : f32[1,16,16,16]
  %add = add(%conv2, %pool1) : f32[1,16,16,16]
  %relu2 = relu(%add) : f32[1,16,16,16]
  %gap = global_avg_pool(%relu2) : f32[1,16,1,1]
  %flatten = flatten(%gap) : f32[1,16]
  %fc.weight = weight() : f32[10,16]
  %fc.bias = weight() : f32[10]
  %fc = dense(%flatten, %fc.weight, %fc.bias) : f32[1,10]
  %prob = softmax(%fc) : f32[1,10]
  output %prob
}
)";

struct SmallModel {
  std::unique_ptr<Graph> graph;
  WeightMap weights;
  TensorMap inputs;
};

SmallModel optimized_model() {
  SmallModel m;
  m.graph = parse_graph(kModel, "small.kir");
  m.weights = seeded_weights(*m.graph);
  PipelineOptions opt;
  opt.passes = default_pipeline();
  std::ostringstream log;
  opt.log = &log;
  run_pipeline(*m.graph, m.weights, opt);
  for (const Node* in : m.graph->inputs()) m.inputs[in->name()] = seeded_input(in->type(), 1);
  return m;
}

halide::Plan lower(const SmallModel& m, Scheduler s) {
  return halide::lower_graph(*m.graph, m.weights, Halide::get_host_target(),
                             halide::LowerOptions{s});
}

void restore_env(const char* name, const std::string* value) {
  if (value) {
    setenv(name, value->c_str(), 1);
  } else {
    unsetenv(name);
  }
}

class Autoscheduled : public ::testing::TestWithParam<Scheduler> {};

TEST_P(Autoscheduled, MatchesTheReferenceInterpreter) {
  const SmallModel m = optimized_model();
  const TensorMap expected = reference::run(*m.graph, m.weights, m.inputs);
  const testing::ArtifactDir scratch(std::string("autoschedule_") +
                                     halide::scheduler_name(GetParam()));
  const std::string& dir = scratch.path();
  halide::write_artifact(lower(m, GetParam()), dir, testing::codegen_options());
  // The manifest names the autoscheduler as the convs' schedule (or, where it gave up, the hand
  // schedule's choice next to the fallback note).
  std::ifstream manifest(dir + "/manifest.json");
  for (const auto& k : nlohmann::json::parse(manifest)["kernels"]) {
    if (k["op"] != "conv2d") continue;
    if (k.contains("schedule_fallback"))
      EXPECT_NE(k["schedule"].get<std::string>().find(" tile "), std::string::npos) << k;
    else
      EXPECT_EQ(k["schedule"], halide::schedule_tag(GetParam())) << k;
  }
  const TensorMap got = testing::run_artifact(dir, m.inputs);
  for (const auto& [name, ref] : expected) {
    SCOPED_TRACE("output %" + name);
    ASSERT_EQ(got.at(name).type, ref.type);
    EXPECT_LE(testing::max_relative_error(ref, got.at(name)), 1e-4);
  }
}

TEST_P(Autoscheduled, KernelsAreDistinctFromTheHandScheduledOnes) {
  const SmallModel m = optimized_model();
  const halide::Plan hand = lower(m, Scheduler::hand);
  const halide::Plan autos = lower(m, GetParam());
  ASSERT_EQ(hand.kernels.size(), autos.kernels.size());
  const std::string tag = std::string(" schedule=") + halide::scheduler_name(GetParam());
  for (size_t k = 0; k < hand.kernels.size(); ++k) {
    SCOPED_TRACE(hand.kernels[k].signature);
    EXPECT_NE(hand.kernels[k].signature, autos.kernels[k].signature);
    EXPECT_NE(hand.kernels[k].signature.find(" schedule=hand"), std::string::npos);
    EXPECT_NE(autos.kernels[k].signature.find(tag), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(Halide14, Autoscheduled,
                         ::testing::Values(Scheduler::adams2019, Scheduler::li2018,
                                           Scheduler::mullapudi2016),
                         [](const auto& info) { return halide::scheduler_name(info.param); });

// Li2018 vectorizes the softmax's reductions into predicated atomic stores,
// which Halide 14 cannot generate (halide/Halide#4298). Runs in a child
// process (a death test) so that the Halide compilation and the record stay
// out of this one.
void build_li2018_softmax_twice() {
  halide::SoftmaxSpec spec;
  spec.k = 10;
  halide::KernelBuild build =
      halide::scheduled_build(Scheduler::li2018, "softmax:" + spec.to_string(), spec,
                              halide::define_softmax, halide::compile_softmax_module);
  const Halide::Target target = Halide::get_host_target();
  for (int i = 0; i < 2; ++i)
    if (build(target, "softmax").functions().empty()) std::exit(2);
  const auto fallbacks = halide::schedule_fallbacks();
  const bool recorded_once = fallbacks.size() == 1 && fallbacks[0].scheduler == "li2018" &&
                             fallbacks[0].kernel == "softmax:softmax_n1_k10" &&
                             fallbacks[0].reason.find("atomic") != std::string::npos;
  std::exit(recorded_once ? 0 : 1);
}

TEST(AutoscheduleFallback, UsesTheHandScheduleWithOneWarningAndARecord) {
  // The regex spans the whole of stderr: one warning, not two.
  EXPECT_EXIT(build_li2018_softmax_twice(), ::testing::ExitedWithCode(0),
              "^warning: the li2018 autoscheduler cannot schedule softmax:softmax_n1_k10 "
              "\\([^\n]*\\); using its hand schedule\n$");
}

// The record must survive the worker process that compiled the kernel and the cache: a second
// compile takes the softmax from the cache and still reports its fallback. A record this
// process already holds for the softmax (as after building it in process) must not hide it.
TEST(AutoscheduleFallback, IsRecordedInTheManifestFreshAndFromTheCache) {
  halide::record_schedule_fallback({"li2018", "softmax:softmax_n1_k10", "built in process"});
  const SmallModel m = optimized_model();
  const halide::Plan plan = lower(m, Scheduler::li2018);
  halide::CodegenOptions o = testing::codegen_options();
  const testing::ArtifactDir cache("autoschedule_fallback_cache");
  o.cache_dir = cache.path();
  for (const char* round : {"fresh", "cached"}) {
    SCOPED_TRACE(round);
    const testing::ArtifactDir scratch(std::string("autoschedule_fallback_") + round);
    const std::string& dir = scratch.path();
    const halide::ArtifactInfo info = halide::write_artifact(plan, dir, o);
    if (std::string(round) == "cached") {
      EXPECT_EQ(info.cache_misses, 0);
    }
    // Li2018 vectorizes the small reductions of dense and softmax into atomic stores.
    ASSERT_EQ(info.schedule_fallbacks.size(), 2u);
    for (const std::string& f : info.schedule_fallbacks)
      EXPECT_NE(f.find("li2018 cannot schedule it: "), std::string::npos) << f;
    const auto manifest = nlohmann::json::parse(std::ifstream(info.manifest));
    std::set<std::string> ops;
    for (const auto& k : manifest["kernels"]) {
      if (!k.contains("schedule_fallback")) continue;
      ops.insert(k["op"].get<std::string>());
      EXPECT_NE(k["schedule_fallback"].get<std::string>().find("atomic"), std::string::npos);
    }
    EXPECT_EQ(ops, (std::set<std::string>{"dense", "softmax"}));
  }
  halide::forget_schedule_fallbacks();
}

TEST(AutoschedulePlugins, AMissingPluginIsAnErrorNamingSchedulerAndPath) {
  const char* old = std::getenv("KILN_HALIDE_PLUGIN_DIR");
  const std::string saved = old ? old : "";
  setenv("KILN_HALIDE_PLUGIN_DIR", "/nonexistent/plugins", 1);
  try {
    halide::autoscheduler_plugin_path(Scheduler::mullapudi2016);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("mullapudi2016 autoscheduler"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/plugins/libautoschedule_mullapudi2016.so"),
              std::string::npos)
        << e.what();
  }
  restore_env("KILN_HALIDE_PLUGIN_DIR", old ? &saved : nullptr);
}

TEST(AutoschedulePlugins, ShipWithHalide) {
  for (Scheduler s : {Scheduler::adams2019, Scheduler::li2018, Scheduler::mullapudi2016})
    EXPECT_NO_THROW(halide::load_autoscheduler(s)) << halide::scheduler_name(s);
}

TEST(Schedulers, NamesRoundTrip) {
  for (const std::string& name : halide::scheduler_names())
    EXPECT_EQ(halide::scheduler_name(halide::parse_scheduler(name)), name);
  EXPECT_THROW(halide::parse_scheduler("adams"), Error);
}

int64_t constant(const Halide::Expr& e) {
  const int64_t* v = Halide::Internal::as_const_int(e);
  return v ? *v : -1;
}

// The autoschedulers need estimates for the output and every input buffer;
// define_X's constant bounds provide them.
TEST(AutoscheduleEstimates, ComeFromTheBufferBounds) {
  halide::Conv2dSpec spec;
  spec.c = 20, spec.h = 9, spec.w = 7, spec.k = 24, spec.kh = spec.kw = 3;
  spec.has_bias = spec.has_residual = true;
  halide::Conv2dPipeline p = halide::define_conv2d(spec, 8);
  halide::set_estimates_from_bounds(p.output);
  for (Halide::ImageParam param : {p.input, p.weights, p.bias, p.residual}) {
    for (int d = 0; d < param.dimensions(); ++d) {
      SCOPED_TRACE(param.name() + " dimension " + std::to_string(d));
      Halide::Internal::Parameter bounds = param.parameter();
      EXPECT_EQ(constant(param.dim(d).min_estimate()), constant(bounds.min_constraint(d)));
      EXPECT_EQ(constant(param.dim(d).extent_estimate()), constant(bounds.extent_constraint(d)));
      EXPECT_GT(constant(param.dim(d).extent_estimate()), 0);
    }
  }
  const auto& estimates = p.output.function().schedule().estimates();
  ASSERT_EQ(estimates.size(), 5u);
  const std::vector<int64_t> out_extents = {8, 5, 7, 3, 1};  // (V, Wo, Ho, K/V, N), no padding
  for (size_t d = 0; d < estimates.size(); ++d) {
    EXPECT_EQ(estimates[d].var, p.output.args()[d].name());
    EXPECT_EQ(constant(estimates[d].min), 0);
    EXPECT_EQ(constant(estimates[d].extent), out_extents[d]);
  }
}

// Adams2019 reads HL_BEAM_SIZE and others itself; its kernels depend on them.
TEST(Schedulers, TagsNameWhatChangesTheSchedule) {
  const char* old = std::getenv("HL_BEAM_SIZE");
  const std::string saved = old ? old : "";
  setenv("HL_BEAM_SIZE", "1", 1);
  EXPECT_EQ(halide::schedule_tag(Scheduler::hand), "hand");
  EXPECT_NE(halide::schedule_tag(Scheduler::adams2019).find("HL_BEAM_SIZE=1"), std::string::npos);
  EXPECT_EQ(halide::schedule_tag(Scheduler::li2018).find("HL_BEAM_SIZE"), std::string::npos);
  restore_env("HL_BEAM_SIZE", old ? &saved : nullptr);
}

}  // namespace
}  // namespace kiln
