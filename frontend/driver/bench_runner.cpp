#include "frontend/driver/bench_runner.h"

#include <chrono>
#include <memory>
#include <thread>

#include "frontend/driver/bench_load.h"
#include "frontend/driver/input_options.h"
#include "ir/graph.h"
#include "runtime/thread_pool.h"

namespace kiln::driver {

namespace {

using Clock = std::chrono::steady_clock;

// Input and output buffers, allocated once so that runs time only the model.
struct Buffers {
  TensorMap inputs;
  std::vector<Tensor> outputs;
  std::vector<const float*> in_ptrs;
  std::vector<float*> out_ptrs;
};

// The artifact's inputs as input nodes, so that make_inputs seeds them
// exactly as `kiln run` does.
Buffers make_buffers(const Model& model, uint64_t seed) {
  Graph signature("artifact");
  for (int i = 0; i < model.num_inputs(); ++i)
    signature.add_node("input", model.input_name(i), {}, {}, TensorType(model.input_shape(i)));
  Buffers b;
  b.inputs = make_inputs(signature, {}, seed);
  for (int i = 0; i < model.num_inputs(); ++i)
    b.in_ptrs.push_back(b.inputs.at(model.input_name(i)).ptr());
  for (int i = 0; i < model.num_outputs(); ++i)
    b.outputs.emplace_back(TensorType(model.output_shape(i)));
  for (Tensor& t : b.outputs) b.out_ptrs.push_back(t.ptr());
  return b;
}

double timed_run_ms(Model& model, Buffers& b) {
  Clock::time_point start = Clock::now();
  model.run(b.in_ptrs, b.out_ptrs);
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::vector<StepTiming> profile_steps(Model& model, Buffers& b, int runs, int threads) {
  std::vector<StepTiming> steps;
  for (int r = 0; r < runs; ++r) {
    model.enable_profiling(true);  // resets the counters: each read is one run
    model.run(b.in_ptrs, b.out_ptrs);
    std::vector<StepProfile> profile = model.profile();
    if (steps.empty())
      for (const StepProfile& p : profile)
        steps.push_back({p.kernel, p.description, p.layers, p.flops, {}});
    for (size_t i = 0; i < profile.size() && i < steps.size(); ++i) {
      const StepProfile& p = profile[i];
      steps[i].seconds.push_back(p.calls ? p.seconds / p.calls : 0);
      steps[i].wait_shares.push_back(p.seconds > 0 ? p.wait_seconds / (threads * p.seconds) : 0);
    }
  }
  model.enable_profiling(false);
  return steps;
}

}  // namespace

int resolve_threads(int threads) {
  return threads > 0 ? threads : rt::default_thread_count();  // what the runtime would take
}

BenchTimings run_benchmark(Model& model, const BenchSettings& s) {
  BenchTimings t;
  t.threads = resolve_threads(s.threads);
  // Set even for the default, so the pool has exactly the count reported.
  model.set_num_threads(t.threads);
  model.enable_profiling(false);
  Buffers b = make_buffers(model, s.seed);
  for (int i = 0; i < s.warmup; ++i) model.run(b.in_ptrs, b.out_ptrs);
  OtherLoad load;
  for (int i = 0; i < s.runs; ++i) t.run_ms.push_back(timed_run_ms(model, b));
  t.other_load = load.share();
  if (s.per_layer) t.steps = profile_steps(model, b, s.runs, t.threads);
  return t;
}

}  // namespace kiln::driver
