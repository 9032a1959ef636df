// Loading and introspection half of the C API (running and profiling: run.cpp).
#include <exception>
#include <filesystem>

#include "runtime/error.h"
#include "runtime/kiln_runtime.h"
#include "runtime/model_state.h"

namespace kiln::rt {

void install_halide_hooks(const kiln_plan& plan);  // run.cpp

namespace {

std::string str(const char* s) {
  return s != nullptr ? s : "";
}

std::vector<IoInfo> io_infos(const kiln_plan_io* ios, int count) {
  std::vector<IoInfo> out;
  for (int i = 0; i < count; ++i) {
    IoInfo info{str(ios[i].name), {ios[i].shape, ios[i].shape + ios[i].rank}, 0};
    info.size = shape_elements(ios[i].shape, ios[i].rank);
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<StepInfo> step_infos(const kiln_plan& plan) {
  std::vector<StepInfo> out;
  for (int i = 0; i < plan.num_steps; ++i) {
    const kiln_plan_step& s = plan.steps[i];
    StepInfo info{str(s.kernel), str(s.description), "", s.flops};
    for (int l = 0; l < s.num_layers; ++l) {
      if (l > 0) info.layers += '+';
      info.layers += str(s.layers[l]);
    }
    out.push_back(std::move(info));
  }
  return out;
}

const IoInfo* io_at(const std::vector<IoInfo>& ios, int i) {
  return i >= 0 && i < static_cast<int>(ios.size()) ? &ios[i] : nullptr;
}

int copy_shape(const IoInfo* io, int64_t* dims, int max_dims) {
  if (io == nullptr) return -1;
  for (int d = 0; d < max_dims && d < static_cast<int>(io->shape.size()); ++d) {
    if (dims != nullptr) dims[d] = io->shape[d];
  }
  return static_cast<int>(io->shape.size());
}

}  // namespace
}  // namespace kiln::rt

using namespace kiln::rt;

kiln_model::kiln_model(const std::string& dir)
    : library(dir),
      plan(library.plan()),
      tensors(resolve_plan(plan)),
      weights((std::filesystem::path(dir) / kWeightsFile).string(),
              static_cast<uint64_t>(plan.weights_bytes), plan.weights_checksum),
      arena(plan.arena_bytes),
      buffers(plan, tensors, arena.data(), weights.data()),
      inputs(io_infos(plan.inputs, plan.num_inputs)),
      outputs(io_infos(plan.outputs, plan.num_outputs)),
      steps(step_infos(plan)),
      pool(std::make_unique<ThreadPool>(default_thread_count())) {
  install_halide_hooks(plan);
}

extern "C" {

const char* kiln_runtime_version(void) {
  return KILN_VERSION;
}

kiln_model* kiln_model_load(const char* artifact_dir, char* err, size_t err_len) {
  try {
    if (artifact_dir == nullptr) throw Error("kiln_model_load: artifact_dir is NULL");
    return new kiln_model(artifact_dir);
  } catch (const std::exception& e) {
    write_error(err, err_len, e.what());
  } catch (...) {
    write_error(err, err_len, "kiln_model_load: unknown error");
  }
  return nullptr;
}

void kiln_model_free(kiln_model* model) {
  delete model;
}

int kiln_model_num_inputs(const kiln_model* m) {
  return m ? static_cast<int>(m->inputs.size()) : -1;
}
int kiln_model_num_outputs(const kiln_model* m) {
  return m ? static_cast<int>(m->outputs.size()) : -1;
}

const char* kiln_model_input_name(const kiln_model* m, int i) {
  const IoInfo* io = m ? io_at(m->inputs, i) : nullptr;
  return io ? io->name.c_str() : nullptr;
}
const char* kiln_model_output_name(const kiln_model* m, int i) {
  const IoInfo* io = m ? io_at(m->outputs, i) : nullptr;
  return io ? io->name.c_str() : nullptr;
}

int kiln_model_input_shape(const kiln_model* m, int i, int64_t* dims, int max_dims) {
  return copy_shape(m ? io_at(m->inputs, i) : nullptr, dims, max_dims);
}
int kiln_model_output_shape(const kiln_model* m, int i, int64_t* dims, int max_dims) {
  return copy_shape(m ? io_at(m->outputs, i) : nullptr, dims, max_dims);
}

int64_t kiln_model_input_size(const kiln_model* m, int i) {
  const IoInfo* io = m ? io_at(m->inputs, i) : nullptr;
  return io ? io->size : -1;
}
int64_t kiln_model_output_size(const kiln_model* m, int i) {
  const IoInfo* io = m ? io_at(m->outputs, i) : nullptr;
  return io ? io->size : -1;
}

int64_t kiln_model_arena_bytes(const kiln_model* m) {
  return m ? m->plan.arena_bytes : -1;
}
int64_t kiln_model_weights_bytes(const kiln_model* m) {
  return m ? m->plan.weights_bytes : -1;
}
const char* kiln_model_target(const kiln_model* m) {
  return m && m->plan.target ? m->plan.target : nullptr;
}

int kiln_set_num_threads(kiln_model* m, int threads) {
  if (m == nullptr || threads < 0) return -1;
  const int previous = m->pool->threads();
  const int wanted = threads > 0 ? threads : default_thread_count();
  if (wanted == previous) return previous;  // keep the running workers
  try {
    m->pool = std::make_unique<ThreadPool>(wanted);
    m->pool->set_timing(m->profiling);
  } catch (const std::exception&) {
    return -1;  // could not start the threads; the old pool is kept
  }
  return previous;
}

}  // extern "C"
