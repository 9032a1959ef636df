// Running and profiling half of the C API (loading and introspection: model.cpp).
#include <chrono>
#include <exception>
#include <mutex>
#include <utility>

#include "runtime/error.h"
#include "runtime/kiln_runtime.h"
#include "runtime/model_state.h"

namespace kiln::rt {
namespace {

// Halide reports a failing kernel's reason through its error handler, then returns a code. The
// handler has no model to write to (kernels get no user context), so the message is kept per
// thread, with the latest one as a fallback for errors raised on the pool's worker threads.
// Taking a message clears both, so a later failure never reports an old one.
thread_local std::string t_halide_error;
std::mutex g_fallback_mutex;
std::string g_fallback_error;

void halide_error_handler(void*, const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  t_halide_error = text;
  std::lock_guard<std::mutex> lock(g_fallback_mutex);
  g_fallback_error = std::move(text);
}

std::string take_halide_error() {
  std::string fallback;
  {
    std::lock_guard<std::mutex> lock(g_fallback_mutex);
    fallback = std::exchange(g_fallback_error, {});
  }
  if (!t_halide_error.empty()) return std::exchange(t_halide_error, {});
  return fallback.empty() ? "(no message)" : fallback;
}

std::string step_failure(const kiln_model& m, int i, int code) {
  const StepInfo& s = m.steps[i];
  return "step " + std::to_string(i) + ": kernel " + s.kernel + " (layers " +
         (s.layers.empty() ? "-" : s.layers) + "; " + s.description +
         ") failed with Halide error " + std::to_string(code) + ": " + take_halide_error();
}

int call_step(kiln_model& m, int i) {
  const kiln_kernel_fn fn = m.plan.steps[i].fn;
  if (!m.profiling) return fn(m.buffers.step_args(i));
  m.pool->take_wait_seconds();  // only this step's loops count
  const auto start = std::chrono::steady_clock::now();
  const int rc = fn(m.buffers.step_args(i));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  StepInfo& s = m.steps[i];
  s.nanos += std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count();
  s.wait_nanos += static_cast<int64_t>(m.pool->take_wait_seconds() * 1e9);
  ++s.calls;
  return rc;
}

std::string io_label(const std::vector<IoInfo>& ios, const char* kind) {
  std::string names;
  for (const IoInfo& io : ios) names += (names.empty() ? "'" : ", '") + io.name + "'";
  return std::to_string(ios.size()) + " " + kind + (ios.size() == 1 ? "" : "s") +
         (names.empty() ? "" : " (" + names + ")");
}

void check_counts(const kiln_model& m, int num_inputs, int num_outputs) {
  if (num_inputs != static_cast<int>(m.inputs.size())) {
    throw Error("the model takes " + io_label(m.inputs, "input") + ", got " +
                std::to_string(num_inputs));
  }
  if (num_outputs != static_cast<int>(m.outputs.size())) {
    throw Error("the model produces " + io_label(m.outputs, "output") + ", got " +
                std::to_string(num_outputs) + " output buffers");
  }
}

template <typename Ptr>
void check_pointers(const std::vector<IoInfo>& ios, Ptr const* ptrs, const char* kind) {
  for (size_t i = 0; i < ios.size(); ++i) {
    if (ptrs == nullptr || ptrs[i] == nullptr) {
      throw Error(std::string(kind) + " " + std::to_string(i) + " ('" + ios[i].name +
                  "') is NULL; the model takes " + io_label(ios, kind));
    }
  }
}

int run_checked(kiln_model* m, const float* const* inputs, float* const* outputs, char* err,
                size_t err_len) {
  check_pointers(m->inputs, inputs, "input");
  check_pointers(m->outputs, outputs, "output");
  for (size_t i = 0; i < m->inputs.size(); ++i) m->buffers.bind_input(i, inputs[i]);
  for (size_t i = 0; i < m->outputs.size(); ++i) m->buffers.bind_output(i, outputs[i]);
  const ThreadPool::Scope scope(*m->pool);
  for (int i = 0; i < m->plan.num_steps; ++i) {
    if (const int rc = call_step(*m, i); rc != 0) {
      write_error(err, err_len, step_failure(*m, i, rc));
      return rc;
    }
  }
  return 0;
}

}  // namespace

void install_halide_hooks(const kiln_plan& plan) {
  if (plan.set_error_handler != nullptr) plan.set_error_handler(halide_error_handler);
  if (plan.set_do_par_for != nullptr) plan.set_do_par_for(run_parallel_loop);
}

}  // namespace kiln::rt

using namespace kiln::rt;

extern "C" {

int kiln_model_run_n(kiln_model* m, int num_inputs, const float* const* inputs, int num_outputs,
                     float* const* outputs, char* err, size_t err_len) {
  try {
    if (m == nullptr) throw Error("kiln_model_run: model is NULL");
    check_counts(*m, num_inputs, num_outputs);
    return run_checked(m, inputs, outputs, err, err_len);
  } catch (const std::exception& e) {
    write_error(err, err_len, e.what());
  }
  return -1;
}

int kiln_model_run(kiln_model* m, const float* const* inputs, float* const* outputs, char* err,
                   size_t err_len) {
  if (m == nullptr) {
    write_error(err, err_len, "kiln_model_run: model is NULL");
    return -1;
  }
  return kiln_model_run_n(m, static_cast<int>(m->inputs.size()), inputs,
                          static_cast<int>(m->outputs.size()), outputs, err, err_len);
}

void kiln_model_enable_profiling(kiln_model* m, int enabled) {
  if (m == nullptr) return;
  m->profiling = enabled != 0;
  m->pool->set_timing(m->profiling);
  for (StepInfo& s : m->steps) s.nanos = s.calls = s.wait_nanos = 0;
}

int kiln_model_num_steps(const kiln_model* m) {
  return m ? static_cast<int>(m->steps.size()) : -1;
}

int kiln_model_profile(const kiln_model* m, int i, kiln_profile_info* info) {
  if (m == nullptr || info == nullptr || i < 0 || i >= static_cast<int>(m->steps.size())) {
    return -1;
  }
  const StepInfo& s = m->steps[i];
  *info = {s.kernel.c_str(), s.description.c_str(), s.layers.c_str(), s.nanos * 1e-9, s.calls,
           s.flops,          s.wait_nanos * 1e-9};
  return 0;
}

}  // extern "C"
