// Throughput of Kiln's non-conv Halide kernels (pooling, LRN, global pooling, add, dense,
// softmax, concat, layout conversion) on the zoo models' shapes.
//
//   build/bench/bench_ops                               # all threads of Halide's pool
//   HL_NUM_THREADS=1 build/bench/bench_ops              # one core
//   build/bench/bench_ops --benchmark_filter=dense/
//
// Counters: GB/s of compulsory traffic (every input, weight and output byte once: these
// kernels are memory-bound, dense at batch 1 above all), GFLOP/s where the IR counts flops,
// and compile_s = JIT compile time. Kernels use the host target; set HL_JIT_TARGET (e.g.
// x86-64-linux-avx-avx2-fma-f16c-sse41) to benchmark the AVX2 schedules.
#include <benchmark/benchmark.h>

#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "backend/halide/concat_kernel.h"
#include "backend/halide/dense_kernel.h"
#include "backend/halide/eltwise_kernel.h"
#include "backend/halide/global_avg_pool_kernel.h"
#include "backend/halide/layout.h"
#include "backend/halide/layout_kernel.h"
#include "backend/halide/lrn_kernel.h"
#include "backend/halide/pool_kernel.h"
#include "backend/halide/softmax_kernel.h"

namespace {

using namespace kiln::halide;
using Buffer = Halide::Buffer<float>;

// A compiled kernel bound to its data.
struct Runner {
  double compile_seconds = 0;
  double bytes = 0;  // compulsory traffic of one run
  std::function<void()> run;
};

struct Case {
  std::string name;
  double flops = 0;  // 0: not a compute kernel
  std::function<Runner()> make;
};

Buffer random_buffer(std::vector<int> extents) {
  static std::mt19937 rng(42);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  Buffer buf(extents);
  buf.for_each_value([&](float& v) { v = dist(rng); });
  return buf;
}

double bytes_of(const std::vector<Buffer>& buffers) {
  double floats = 0;
  for (const Buffer& b : buffers) floats += double(b.number_of_elements());
  return 4 * floats;
}

std::vector<int> blocked(int n, int c, int h, int w, int block) {
  return {block, w, h, ceil_div(c, block), n};
}

// Kernels whose run() takes one input buffer.
template <typename Kernel, typename Spec>
Runner one_input(const Spec& spec, const std::function<std::vector<int>(int block)>& extents) {
  auto kernel = std::make_shared<Kernel>(spec);
  const Buffer in = random_buffer(extents(kernel->block()));
  auto out = std::make_shared<Buffer>(kernel->make_output());
  return {kernel->compile_seconds(), bytes_of({in, *out}), [=] { kernel->run(in, *out); }};
}

Case pool(const std::string& name, PoolKind kind, int c, int hw, int k, int s, int pad, bool ceil) {
  Pool2dSpec p;
  p.kind = kind, p.c = c, p.h = p.w = hw, p.kh = p.kw = k, p.sh = p.sw = s;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = pad;
  p.ceil_mode = ceil;
  return {name, p.flops(), [p] {
            return one_input<Pool2dKernel>(p, [p](int b) { return blocked(1, p.c, p.h, p.w, b); });
          }};
}

Case lrn(const std::string& name, int c, int hw) {
  LrnSpec l;
  l.c = c, l.h = l.w = hw;
  return {name, l.flops(), [l] {
            return one_input<LrnKernel>(l, [l](int b) { return blocked(1, l.c, l.h, l.w, b); });
          }};
}

Case global_pool(const std::string& name, int c, int hw) {
  GlobalAvgPoolSpec g;
  g.c = c, g.h = g.w = hw;
  return {name, g.flops(), [g] {
            return one_input<GlobalAvgPoolKernel>(
                g, [g](int b) { return blocked(1, g.c, g.h, g.w, b); });
          }};
}

Case add_relu(const std::string& name, int c, int hw) {
  EltwiseSpec e;
  e.c = c, e.h = e.w = hw, e.activation = Activation::kRelu;
  return {name, e.flops(), [e] {
            auto kernel = std::make_shared<EltwiseKernel>(e);
            const std::vector<Buffer> in{random_buffer(blocked(1, e.c, e.h, e.w, kernel->block())),
                                         random_buffer(blocked(1, e.c, e.h, e.w, kernel->block()))};
            auto out = std::make_shared<Buffer>(kernel->make_output());
            return Runner{kernel->compile_seconds(), bytes_of({in[0], in[1], *out}),
                          [=] { kernel->run(in, *out); }};
          }};
}

Case dense(const std::string& name, int n, int in, int out) {
  DenseSpec d;
  d.n = n, d.in = in, d.out = out, d.has_bias = true;
  return {name, d.flops(), [d] {
            auto kernel = std::make_shared<DenseKernel>(d);
            const int V = kernel->block();
            DenseArgs args;
            args.input = random_buffer({d.in, d.n});
            args.weights = random_buffer({V, d.in, ceil_div(d.out, V)});
            args.bias = random_buffer({ceil_div(d.out, V) * V});
            auto result = std::make_shared<Buffer>(kernel->make_output());
            return Runner{kernel->compile_seconds(),
                          bytes_of({args.input, args.weights, args.bias, *result}),
                          [=] { kernel->run(args, *result); }};
          }};
}

Case softmax(const std::string& name, int n, int k) {
  SoftmaxSpec s;
  s.n = n, s.k = k;
  return {name, s.flops(), [s] {
            return one_input<SoftmaxKernel>(s, [s](int) { return std::vector<int>{s.k, s.n}; });
          }};
}

Case concat(const std::string& name, int hw, std::vector<int> channels) {
  ConcatSpec s;
  s.h = s.w = hw, s.channels = std::move(channels);
  return {name, 0, [s] {
            auto kernel = std::make_shared<ConcatKernel>(s);
            std::vector<Buffer> in;
            for (int c : s.channels)
              in.push_back(random_buffer(blocked(1, c, s.h, s.w, kernel->block())));
            auto out = std::make_shared<Buffer>(kernel->make_output());
            std::vector<Buffer> all = in;
            all.push_back(*out);
            return Runner{kernel->compile_seconds(), bytes_of(all), [=] { kernel->run(in, *out); }};
          }};
}

Case layout(const std::string& name, bool to_blocked, int c, int hw) {
  LayoutSpec s;
  s.to_blocked = to_blocked, s.c = c, s.h = s.w = hw;
  return {name, 0, [s] {
            return one_input<LayoutKernel>(s, [s](int b) {
              return s.to_blocked ? std::vector<int>{s.w, s.h, s.c, s.n}
                                  : blocked(s.n, s.c, s.h, s.w, b);
            });
          }};
}

std::vector<Case> cases() {
  return {
      pool("maxpool/resnet50_112x112x64_3x3s2p1", PoolKind::kMax, 64, 112, 3, 2, 1, false),
      pool("maxpool/alexnet_55x55x96_3x3s2", PoolKind::kMax, 96, 55, 3, 2, 0, false),
      pool("maxpool/googlenet_28x28x480_3x3s2_ceil", PoolKind::kMax, 480, 28, 3, 2, 0, true),
      pool("avgpool/googlenet_aux_14x14x512_5x5s3", PoolKind::kAvg, 512, 14, 5, 3, 0, false),
      lrn("lrn/alexnet_55x55x96", 96, 55),
      lrn("lrn/alexnet_27x27x256", 256, 27),
      global_pool("gap/resnet50_7x7x2048", 2048, 7),
      add_relu("add_relu/resnet50_56x56x256", 256, 56),
      dense("dense/alexnet_fc6_9216x4096_n1", 1, 9216, 4096),
      dense("dense/alexnet_fc6_9216x4096_n3", 3, 9216, 4096),
      dense("dense/alexnet_fc7_4096x4096_n1", 1, 4096, 4096),
      dense("dense/alexnet_fc8_4096x1000_n1", 1, 4096, 1000),
      dense("dense/resnet50_fc_2048x1000_n1", 1, 2048, 1000),
      dense("dense/googlenet_fc_1024x1000_n1", 1, 1024, 1000),
      dense("dense/resnet18_fc_512x1000_n1", 1, 512, 1000),
      softmax("softmax/1000_n1", 1, 1000),
      concat("concat/28x28_c64+128+32+20", 28, {64, 128, 32, 20}),
      layout("layout/to_blocked_224x224x3", true, 3, 224),
      layout("layout/to_plain_6x6x256", false, 256, 6),
  };
}

void bench_case(benchmark::State& state, const Case& c) {
  // Google Benchmark calls this repeatedly while it sizes the iteration count; compile once.
  static std::map<std::string, Runner> cache;
  auto it = cache.find(c.name);
  if (it == cache.end()) {
    it = cache.emplace(c.name, c.make()).first;
    it->second.run();  // warm up the thread pool and caches
  }
  const Runner& runner = it->second;
  for (auto _ : state) runner.run();
  using benchmark::Counter;
  state.counters["GB/s"] = Counter(runner.bytes * 1e-9, Counter::kIsIterationInvariantRate);
  if (c.flops > 0) {
    state.counters["GFLOP/s"] = Counter(c.flops * 1e-9, Counter::kIsIterationInvariantRate);
  }
  state.counters["compile_s"] = runner.compile_seconds;
}

}  // namespace

int main(int argc, char** argv) {
  for (const Case& c : cases()) {
    benchmark::RegisterBenchmark(c.name.c_str(), bench_case, c)
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond)
        ->MinTime(0.2);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
