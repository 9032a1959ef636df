// Header-only C++ wrapper over the C API of kiln_runtime.h: RAII ownership, exceptions instead of
// error buffers, std::vector shapes. Needs no Halide headers either.
//
//   kiln::Model model("out/resnet50");
//   std::vector<float> image(model.input_size(0)), scores(model.output_size(0));
//   model.run({image.data()}, {scores.data()});
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

// Next to this header, so found whether users pass -I runtime or -I <repository root>.
#include "kiln_runtime.h"

namespace kiln {

struct RuntimeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct StepProfile {
  std::string kernel, description, layers;
  double seconds = 0;
  int64_t calls = 0;
  double flops = 0;         // per call
  double wait_seconds = 0;  // thread-seconds idle at the end of parallel loops, accumulated
};

class Model {
 public:
  // Loads an artifact directory; throws RuntimeError with the runtime's message.
  explicit Model(const std::string& artifact_dir) {
    char err[1024] = "";
    model_ = kiln_model_load(artifact_dir.c_str(), err, sizeof err);
    if (model_ == nullptr) throw RuntimeError(err);
  }
  ~Model() { kiln_model_free(model_); }
  Model(Model&& other) noexcept : model_(std::exchange(other.model_, nullptr)) {}
  Model& operator=(Model&& other) noexcept {
    std::swap(model_, other.model_);
    return *this;
  }
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  int num_inputs() const { return kiln_model_num_inputs(model_); }
  int num_outputs() const { return kiln_model_num_outputs(model_); }
  std::string input_name(int i) const { return checked(kiln_model_input_name(model_, i), i); }
  std::string output_name(int i) const { return checked(kiln_model_output_name(model_, i), i); }
  std::vector<int64_t> input_shape(int i) const { return shape(kiln_model_input_shape, i); }
  std::vector<int64_t> output_shape(int i) const { return shape(kiln_model_output_shape, i); }
  int64_t input_size(int i) const { return kiln_model_input_size(model_, i); }
  int64_t output_size(int i) const { return kiln_model_output_size(model_, i); }
  int64_t arena_bytes() const { return kiln_model_arena_bytes(model_); }
  int64_t weights_bytes() const { return kiln_model_weights_bytes(model_); }
  std::string target() const { return kiln_model_target(model_); }

  // One pointer per input / output, each to input_size(i) / output_size(i) floats.
  void run(const std::vector<const float*>& inputs, const std::vector<float*>& outputs) {
    char err[1024] = "";
    if (kiln_model_run_n(model_, static_cast<int>(inputs.size()), inputs.data(),
                         static_cast<int>(outputs.size()), outputs.data(), err, sizeof err) != 0) {
      throw RuntimeError(err);
    }
  }

  // Returns the previous thread count.
  int set_num_threads(int threads) { return kiln_set_num_threads(model_, threads); }

  void enable_profiling(bool enabled = true) { kiln_model_enable_profiling(model_, enabled); }
  std::vector<StepProfile> profile() const {
    std::vector<StepProfile> steps;
    kiln_profile_info info;
    for (int i = 0; kiln_model_profile(model_, i, &info) == 0; ++i) {
      steps.push_back({info.kernel, info.description, info.layers, info.seconds, info.calls,
                       info.flops, info.wait_seconds});
    }
    return steps;
  }

  kiln_model* get() const { return model_; }

 private:
  static std::string checked(const char* name, int i) {
    if (name == nullptr) throw RuntimeError("no input/output " + std::to_string(i));
    return name;
  }
  template <typename ShapeFn>
  std::vector<int64_t> shape(ShapeFn fn, int i) const {
    const int rank = fn(model_, i, nullptr, 0);
    if (rank < 0) throw RuntimeError("no input/output " + std::to_string(i));
    std::vector<int64_t> dims(rank);
    fn(model_, i, dims.data(), rank);
    return dims;
  }

  kiln_model* model_ = nullptr;
};

}  // namespace kiln
