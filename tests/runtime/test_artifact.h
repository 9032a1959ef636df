// A small hand-built Plan (no graph lowering involved) and its naive reference, shared by the
// codegen and runtime tests:
//
//   data [1,3,10,10] -> to_blocked -> conv1 3x3 pad 1 +bias +relu (20 ch) -> view of it
//        -> conv2 1x1 stride 2 +bias (10 ch) -> global average pool -> scores [1,10]
//
// It exercises the layout, conv2d and global-average-pool kernel families, a view (alias_of),
// arena reuse (conv2's output overwrites to_blocked's), and deliberately misaligned weight offsets
// in the plan's blob (write_artifact must realign them).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "backend/halide/codegen/codegen.h"
#include "backend/halide/codegen/file_util.h"
#include "backend/halide/conv2d_kernel.h"
#include "backend/halide/execution_plan.h"
#include "backend/halide/global_avg_pool_kernel.h"
#include "backend/halide/layout.h"
#include "backend/halide/layout_kernel.h"

namespace kiln::testing {

using halide::Conv2dSpec;
using halide::Plan;
using halide::PlanTensor;
using Storage = PlanTensor::Storage;

struct TestModel {
  Plan plan;
  Conv2dSpec conv1, conv2;
  std::vector<float> w1, b1, w2, b2;  // OIHW weights and plain biases
};

enum class Variant {
  kGood,
  kBrokenView,    // conv2 reads a view too narrow for it: a Halide error at run time
  kOtherWeights,  // same kernels and layout, different weight values
};

inline std::vector<float> random_floats(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

inline int add_tensor(Plan& p, const std::string& name, Storage s, std::vector<int> extents,
                      int64_t offset, int alias_of = -1) {
  PlanTensor t;
  t.name = name;
  t.storage = s;
  t.extents = extents;
  int64_t stride = 1;
  for (int e : extents) {
    t.strides.push_back(stride);
    stride *= e;
  }
  t.offset = offset;
  t.alias_of = alias_of;
  p.tensors.push_back(t);
  return static_cast<int>(p.tensors.size()) - 1;
}

// Appends `data` to the blob after `gap` floats of padding; returns its offset.
inline int64_t add_blob(Plan& p, const std::vector<float>& data, int gap) {
  p.weights_blob.resize(p.weights_blob.size() + gap, 0.0f);
  const int64_t offset = static_cast<int64_t>(p.weights_blob.size());
  p.weights_blob.insert(p.weights_blob.end(), data.begin(), data.end());
  return offset;
}

inline int add_kernel(
    Plan& p, const std::string& op, const std::string& signature,
    std::function<Halide::Module(const Halide::Target&, const std::string&)> build) {
  halide::PlanKernel k;
  k.function_name = "kiln_k" + std::to_string(p.kernels.size()) + "_" + op;
  k.signature = op + ":" + signature + "@" + p.target.to_string();
  k.op = op;
  k.build = std::move(build);
  p.kernels.push_back(std::move(k));
  return static_cast<int>(p.kernels.size()) - 1;
}

inline void add_step(Plan& p, int kernel, std::vector<int> args, std::vector<std::string> layers,
                     const std::string& description, double flops) {
  p.steps.push_back({kernel, std::move(args), std::move(layers), description, flops});
}

inline void make_specs(TestModel& m) {
  Conv2dSpec& a = m.conv1;
  a.c = 3, a.h = a.w = 10, a.k = 20, a.kh = a.kw = 3;
  a.pad_top = a.pad_left = a.pad_bottom = a.pad_right = 1;
  a.has_bias = true;
  a.activation = halide::Activation::kRelu;
  Conv2dSpec& b = m.conv2;
  b.c = 20, b.h = b.w = 10, b.k = 10, b.sh = b.sw = 2;
  b.has_bias = true;
}

inline std::vector<float> packed_weights(const Conv2dSpec& s, const std::vector<float>& oihw,
                                         int V) {
  std::vector<float> out(halide::packed_weights_size(s.k, s.c, s.kh, s.kw, V));
  halide::repack_weights_oihw(oihw.data(), s.k, s.c, s.kh, s.kw, V, out.data());
  return out;
}

inline std::vector<float> packed_bias(const std::vector<float>& bias, int V) {
  Halide::Buffer<float> b = halide::pack_bias(bias.data(), static_cast<int>(bias.size()), V);
  return {b.data(), b.data() + b.number_of_elements()};
}

inline int add_conv(TestModel& m, const Conv2dSpec& s) {
  return add_kernel(m.plan, "conv2d", s.to_string(),
                    [s](const Halide::Target& t, const std::string& fn) {
                      return halide::compile_conv2d_module(s, t, fn);
                    });
}

inline TestModel make_test_model(Variant variant = Variant::kGood,
                                 const Halide::Target& target = Halide::get_host_target()) {
  TestModel m;
  Plan& p = m.plan;
  p.target = target;
  const int V = p.block = halide::channel_block(p.target);
  make_specs(m);
  const unsigned seed = variant == Variant::kOtherWeights ? 100 : 10;
  m.w1 = random_floats(20 * 3 * 3 * 3, seed + 1), m.b1 = random_floats(20, seed + 2);
  m.w2 = random_floats(10 * 20, seed + 3), m.b2 = random_floats(10, seed + 4);

  halide::LayoutSpec layout{true, 1, 3, 10, 10};
  const int k_layout = add_kernel(p, "to_blocked", layout.to_string(),
                                  [layout](const Halide::Target& t, const std::string& fn) {
                                    return halide::compile_layout_module(layout, t, fn);
                                  });
  const int k_conv1 = add_conv(m, m.conv1);
  const int k_conv2 = add_conv(m, m.conv2);
  halide::GlobalAvgPoolSpec gap{1, 10, 5, 5};
  const int k_gap = add_kernel(p, "global_avg_pool", gap.to_string(),
                               [gap](const Halide::Target& t, const std::string& fn) {
                                 return halide::compile_global_avg_pool_module(gap, t, fn);
                               });

  const int cb1 = halide::ceil_div(20, V), cb2 = halide::ceil_div(10, V);
  const int data = add_tensor(p, "data", Storage::input, {10, 10, 3, 1}, 0);
  const int blocked = add_tensor(p, "data.blocked", Storage::arena, {V, 10, 10, 1, 1}, 0);
  const int w1 = add_tensor(p, "conv1.weight.packed", Storage::weights, {V, 3, 3, 3, cb1},
                            add_blob(p, packed_weights(m.conv1, m.w1, V), 3));
  const int b1 = add_tensor(p, "conv1.bias.packed", Storage::weights, {cb1 * V},
                            add_blob(p, packed_bias(m.b1, V), 5));
  const int64_t relu1_at = 10 * 10 * V;
  const int relu1 = add_tensor(p, "relu1", Storage::arena, {V, 10, 10, cb1, 1}, relu1_at);
  const int view_w = variant == Variant::kBrokenView ? 4 : 10;
  const int view = add_tensor(p, "relu1.view", Storage::arena, {V, view_w, 10, cb1, 1}, 0, relu1);
  const int w2 = add_tensor(p, "conv2.weight.packed", Storage::weights, {V, 20, 1, 1, cb2},
                            add_blob(p, packed_weights(m.conv2, m.w2, V), 1));
  const int b2 = add_tensor(p, "conv2.bias.packed", Storage::weights, {cb2 * V},
                            add_blob(p, packed_bias(m.b2, V), 0));
  const int conv2 = add_tensor(p, "conv2", Storage::arena, {V, 5, 5, cb2, 1}, 0);
  const int scores = add_tensor(p, "scores", Storage::output, {10, 1}, 0);

  add_step(p, k_layout, {data, blocked}, {"data"}, "to_blocked 3x10x10", 0);
  add_step(p, k_conv1, {blocked, w1, b1, relu1}, {"conv1", "relu1"}, "conv2d 3x3/1 3->20 10x10",
           m.conv1.flops());
  add_step(p, k_conv2, {view, w2, b2, conv2}, {"conv2"}, "conv2d 1x1/2 20->10 10x10",
           m.conv2.flops());
  add_step(p, k_gap, {conv2, scores}, {"pool"}, "global_avg_pool 10x5x5", gap.flops());
  p.inputs = {data};
  p.outputs = {scores};
  p.arena_floats = relu1_at + 10 * 10 * cb1 * V;
  p.intermediate_floats = 10 * 10 * V + 10 * 10 * cb1 * V + 5 * 5 * cb2 * V;
  return m;
}

// Plain loops over NCHW: conv1 (+bias, relu) -> conv2 (+bias) -> mean over H, W.
inline std::vector<float> conv_nchw(const Conv2dSpec& s, const std::vector<float>& in,
                                    const std::vector<float>& w, const std::vector<float>& b) {
  const int ho = s.out_h(), wo = s.out_w();
  std::vector<float> out(static_cast<size_t>(s.k) * ho * wo);
  for (int k = 0; k < s.k; ++k)
    for (int y = 0; y < ho; ++y)
      for (int x = 0; x < wo; ++x) {
        double acc = b[k];
        for (int c = 0; c < s.c; ++c)
          for (int ky = 0; ky < s.kh; ++ky)
            for (int kx = 0; kx < s.kw; ++kx) {
              const int iy = y * s.sh - s.pad_top + ky, ix = x * s.sw - s.pad_left + kx;
              if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
              acc += in[(c * s.h + iy) * s.w + ix] * w[((k * s.c + c) * s.kh + ky) * s.kw + kx];
            }
        const float v = static_cast<float>(acc);
        out[(k * ho + y) * wo + x] =
            s.activation == halide::Activation::kRelu ? std::max(v, 0.f) : v;
      }
  return out;
}

inline std::vector<float> naive_forward(const TestModel& m, const std::vector<float>& input) {
  const std::vector<float> a = conv_nchw(m.conv1, input, m.w1, m.b1);
  const std::vector<float> b = conv_nchw(m.conv2, a, m.w2, m.b2);
  const int hw = m.conv2.out_h() * m.conv2.out_w();
  std::vector<float> scores(m.conv2.k);
  for (int k = 0; k < m.conv2.k; ++k) {
    double sum = 0;
    for (int i = 0; i < hw; ++i) sum += b[k * hw + i];
    scores[k] = static_cast<float>(sum / hw);
  }
  return scores;
}

// What the docs' examples (tests/runtime/classify_example.c and .cc) print for the test model:
// argmax of the naive scores on their input ramp.
inline std::string example_output() {
  std::vector<float> input(300);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<float>(i % 256) / 255.0f;
  const std::vector<float> scores = naive_forward(make_test_model(), input);
  int best = 0;
  for (int c = 1; c < static_cast<int>(scores.size()); ++c) {
    if (scores[c] > scores[best]) best = c;
  }
  char line[128];
  std::snprintf(line, sizeof line, "scores: class %d (score %.4f)\n", best, scores[best]);
  return line;
}

inline std::vector<float> test_input(unsigned seed = 7) {
  return random_floats(3 * 10 * 10, seed);
}

// Shared across test processes (ctest runs each test alone), so only the first one compiles.
inline std::string shared_cache_dir() {
  return std::string(KILN_BINARY_DIR) + "/test-kiln-cache";
}

// A scratch directory for this process, removed at exit.
inline const std::string& scratch_dir() {
  static const halide::codegen::TempDir dir("kiln-test-");
  return dir.path();
}

inline halide::ArtifactInfo write_test_artifact(const TestModel& m, const std::string& dir,
                                                halide::CodegenOptions options = {}) {
  if (options.cache_dir.empty()) options.cache_dir = shared_cache_dir();
  return halide::write_artifact(m.plan, dir, options);
}

// The good model's artifact, written once per process.
inline const std::string& test_artifact() {
  static const std::string dir = [] {
    const std::string d = scratch_dir() + "/model";
    write_test_artifact(make_test_model(), d);
    return d;
  }();
  return dir;
}

}  // namespace kiln::testing
