// Loads the hand-built test artifact with the runtime and checks results, introspection,
// threading, profiling and run-time errors.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>

#include "runtime/cpu_features.h"
#include "runtime/kiln_runtime.hpp"
#include "runtime/model_state.h"
#include "runtime/thread_pool.h"
#include "tests/runtime/test_artifact.h"

namespace kiln::testing {
namespace {

bool rt_host_supports(const Halide::Target& t) {
  return rt::missing_cpu_features(t.to_string(), rt::host_cpu_has).empty();
}

void expect_close(const std::vector<float>& got, const std::vector<float>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], want[i], 1e-4f * std::max(1.0f, std::abs(want[i]))) << "element " << i;
  }
}

TEST(Runtime, MatchesNaiveComputation) {
  const TestModel m = make_test_model();
  Model model(test_artifact());
  for (unsigned seed : {1u, 2u}) {  // a second run must not see the first one's state
    const std::vector<float> input = test_input(seed);
    std::vector<float> scores(model.output_size(0), -1.0f);
    model.run({input.data()}, {scores.data()});
    expect_close(scores, naive_forward(m, input));
  }
}

TEST(Runtime, RunsAnArtifactForAnOlderIsa) {
  // AVX2 kernels use 8-lane channel blocks: another layout of every tensor and weight.
  const Halide::Target avx2("x86-64-linux-avx-avx2-f16c-fma-sse41");
  if (!rt_host_supports(avx2)) GTEST_SKIP() << "this CPU has no AVX2";
  const TestModel m = make_test_model(Variant::kGood, avx2);
  ASSERT_EQ(m.plan.block, 8);
  const std::string dir = scratch_dir() + "/avx2";
  write_test_artifact(m, dir);
  Model model(dir);
  EXPECT_EQ(model.target(), avx2.to_string());
  const std::vector<float> input = test_input();
  std::vector<float> scores(10);
  model.run({input.data()}, {scores.data()});
  expect_close(scores, naive_forward(m, input));
}

TEST(Runtime, PlainCApiMatchesWrapper) {
  char err[256] = "";
  kiln_model* model = kiln_model_load(test_artifact().c_str(), err, sizeof err);
  ASSERT_NE(model, nullptr) << err;
  const std::vector<float> input = test_input();
  float scores[10];
  const float* inputs[] = {input.data()};
  float* outputs[] = {scores};
  ASSERT_EQ(kiln_model_run(model, inputs, outputs, err, sizeof err), 0) << err;
  expect_close({scores, scores + 10}, naive_forward(make_test_model(), input));
  kiln_model_free(model);
}

TEST(Runtime, Introspection) {
  Model model(test_artifact());
  ASSERT_EQ(model.num_inputs(), 1);
  ASSERT_EQ(model.num_outputs(), 1);
  EXPECT_EQ(model.input_name(0), "data");
  EXPECT_EQ(model.output_name(0), "scores");
  EXPECT_EQ(model.input_shape(0), (std::vector<int64_t>{1, 3, 10, 10}));
  EXPECT_EQ(model.output_shape(0), (std::vector<int64_t>{1, 10}));
  EXPECT_EQ(model.input_size(0), 300);
  EXPECT_EQ(model.output_size(0), 10);
  EXPECT_EQ(model.arena_bytes(), make_test_model().plan.arena_floats * 4);
  EXPECT_EQ(model.target(), Halide::get_host_target().to_string());
  EXPECT_EQ(kiln_model_input_name(model.get(), 1), nullptr);
  EXPECT_EQ(kiln_model_output_shape(model.get(), -1, nullptr, 0), -1);
  int64_t dims[2];  // a short array gets the leading dims, the rank says how many there are
  EXPECT_EQ(kiln_model_input_shape(model.get(), 0, dims, 2), 4);
  EXPECT_EQ(dims[1], 3);
  EXPECT_STREQ(kiln_runtime_version(), halide::kiln_version());
}

TEST(Runtime, ThreadCountDoesNotChangeResults) {
  Model model(test_artifact());
  const std::vector<float> input = test_input();
  std::vector<float> one(10), many(10);
  model.set_num_threads(1);
  model.run({input.data()}, {one.data()});
  EXPECT_EQ(model.set_num_threads(0), 1);  // returns the previous setting
  model.run({input.data()}, {many.data()});
  expect_close(one, many);
  EXPECT_EQ(kiln_set_num_threads(model.get(), -1), -1);
}

// Counts the loops that reach the runtime's hook, then runs them there.
std::atomic<int> g_hooked_loops{0};
int counting_hook(void* user_context, kiln_task_fn fn, int min, int size, uint8_t* closure) {
  ++g_hooked_loops;
  return rt::run_parallel_loop(user_context, fn, min, size, closure);
}

// Every parallel loop of the kernels goes to the model's own pool, not to Halide's.
TEST(Runtime, KernelsRunTheirLoopsOnTheModelsPool) {
  Model model(test_artifact());
  const kiln_plan& plan = model.get()->plan;
  ASSERT_EQ(plan.set_do_par_for(counting_hook), &rt::run_parallel_loop);
  const std::vector<float> input = test_input();
  std::vector<float> one(10), three(10);
  model.set_num_threads(1);
  model.run({input.data()}, {one.data()});
  EXPECT_EQ(model.set_num_threads(3), 1);
  g_hooked_loops = 0;
  model.run({input.data()}, {three.data()});
  EXPECT_GT(g_hooked_loops.load(), 0);
  expect_close(three, one);
  plan.set_do_par_for(rt::run_parallel_loop);
}

TEST(Runtime, ProfileNamesStepsAndLayers) {
  Model model(test_artifact());
  const std::vector<float> input = test_input();
  std::vector<float> scores(10);
  model.run({input.data()}, {scores.data()});  // not profiled
  model.enable_profiling();
  for (int i = 0; i < 3; ++i) model.run({input.data()}, {scores.data()});
  const std::vector<StepProfile> steps = model.profile();
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(steps[1].layers, "conv1+relu1");
  EXPECT_EQ(steps[1].kernel, "kiln_k1_conv2d");
  EXPECT_EQ(steps[1].description, "conv2d 3x3/1 3->20 10x10");
  EXPECT_DOUBLE_EQ(steps[1].flops, make_test_model().conv1.flops());
  for (const StepProfile& s : steps) {
    EXPECT_EQ(s.calls, 3) << s.kernel;
    EXPECT_GT(s.seconds, 0) << s.kernel;
    // Thread-seconds idle at the ends of parallel loops: none of more than the threads had.
    EXPECT_GE(s.wait_seconds, 0) << s.kernel;
    EXPECT_LE(s.wait_seconds, model.get()->pool->threads() * s.seconds) << s.kernel;
  }
  model.set_num_threads(1);  // one thread never waits
  model.enable_profiling();
  model.run({input.data()}, {scores.data()});
  for (const StepProfile& s : model.profile()) EXPECT_EQ(s.wait_seconds, 0) << s.kernel;
  // A pool started while profiling times its loops too: two threads never finish a model's
  // loops at the same nanosecond (and a one-task loop idles the other thread throughout).
  model.set_num_threads(2);
  model.run({input.data()}, {scores.data()});
  double waited = 0;
  for (const StepProfile& s : model.profile()) waited += s.wait_seconds;
  EXPECT_GT(waited, 0);
  model.enable_profiling(false);  // resets
  EXPECT_EQ(model.profile()[0].calls, 0);
  kiln_profile_info info;
  EXPECT_EQ(kiln_model_profile(model.get(), 4, &info), -1);
}

TEST(Runtime, RejectsWrongInputAndOutputCounts) {
  Model model(test_artifact());
  std::vector<float> input = test_input(), scores(10);
  try {
    model.run({input.data(), input.data()}, {scores.data()});
    FAIL() << "expected an error";
  } catch (const RuntimeError& e) {
    EXPECT_STREQ(e.what(), "the model takes 1 input ('data'), got 2");
  }
  EXPECT_THROW(model.run({input.data()}, {}), RuntimeError);
}

TEST(Runtime, RejectsNullBuffers) {
  Model model(test_artifact());
  char err[256] = "";
  float scores[10];
  const float* inputs[] = {nullptr};
  float* outputs[] = {scores};
  EXPECT_NE(kiln_model_run(model.get(), inputs, outputs, err, sizeof err), 0);
  EXPECT_NE(std::strstr(err, "input 0 ('data') is NULL"), nullptr) << err;
  EXPECT_NE(kiln_model_run(model.get(), nullptr, outputs, err, sizeof err), 0);
  EXPECT_NE(kiln_model_run(nullptr, inputs, outputs, err, sizeof err), 0);
}

TEST(Runtime, HalideErrorNamesTheFailingKernel) {
  const std::string dir = scratch_dir() + "/broken";
  write_test_artifact(make_test_model(Variant::kBrokenView), dir);
  Model model(dir);
  const std::vector<float> input = test_input();
  std::vector<float> scores(10);
  try {
    model.run({input.data()}, {scores.data()});
    FAIL() << "expected a Halide error";
  } catch (const RuntimeError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("step 2: kernel kiln_k2_conv2d (layers conv2; conv2d 1x1/2"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("Halide error"), std::string::npos) << msg;
    EXPECT_NE(msg.find("input"), std::string::npos) << msg;  // Halide's own reason
  }
}

}  // namespace
}  // namespace kiln::testing
