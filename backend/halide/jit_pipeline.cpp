#include "backend/halide/jit_pipeline.h"

#include <chrono>
#include <stdexcept>
#include <utility>

namespace kiln::halide {

JitPipeline::JitPipeline(Halide::Func output, const Halide::Target& target, std::string name)
    : pipeline_(std::move(output)), target_(target), name_(std::move(name)) {
  const auto start = std::chrono::steady_clock::now();
  pipeline_.compile_jit(target_);
  compile_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void JitPipeline::realize(Halide::Buffer<float>& output, const Halide::ParamMap& params) {
  try {
    pipeline_.realize(output, target_, params);
  } catch (const Halide::Error& e) {
    throw std::runtime_error(name_ + " failed: " + e.what());
  }
}

}  // namespace kiln::halide
