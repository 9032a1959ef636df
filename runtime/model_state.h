// What kiln_model_load builds: the opaque kiln_model behind the C API. Members are declared in
// load order; each one's constructor throws rt::Error, so a model either loads completely or
// releases everything it acquired.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/arena.h"
#include "runtime/artifact_library.h"
#include "runtime/buffers.h"
#include "runtime/plan_check.h"
#include "runtime/thread_pool.h"
#include "runtime/weights_file.h"

namespace kiln::rt {

struct IoInfo {
  std::string name;
  std::vector<int64_t> shape;  // graph order
  int64_t size = 0;            // floats
};

struct StepInfo {
  std::string kernel, description, layers;  // layers '+'-joined
  double flops = 0;
  int64_t nanos = 0;
  int64_t calls = 0;
  int64_t wait_nanos = 0;  // thread-time waited at the end of the step's parallel loops
};

}  // namespace kiln::rt

struct kiln_model {
  explicit kiln_model(const std::string& dir);

  kiln::rt::ArtifactLibrary library;
  const kiln_plan& plan;
  std::vector<kiln::rt::ResolvedTensor> tensors;
  kiln::rt::LoadedWeights weights;
  kiln::rt::Arena arena;
  kiln::rt::BufferSet buffers;
  std::vector<kiln::rt::IoInfo> inputs, outputs;
  std::vector<kiln::rt::StepInfo> steps;
  std::unique_ptr<kiln::rt::ThreadPool> pool;
  bool profiling = false;
};
