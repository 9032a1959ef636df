// Throughput of Kiln's Halide conv2d kernels on ResNet-50 and GoogLeNet layer shapes, batch 1.
//
//   build-halide/bench/bench_conv                      # all threads of Halide's pool
//   HL_NUM_THREADS=1 build-halide/bench/bench_conv     # one core
//   build-halide/bench/bench_conv --benchmark_filter=resnet50/ --benchmark_min_time=0.2
//
// Counters: GFLOP/s of the real convolution (2 flops per multiply-add, padding not counted);
// GFLOP/cpu_s, the same work per CPU-second of all threads (per-core efficiency, robust to
// other processes sharing the cores); peak_pct and core_peak_pct, those two as a percentage of
// the machine's FMA peak on the threads used and on one core (the microkernel and cache of
// `kiln bench`, frontend/driver/machine_peak.h; the figure is printed first, --remeasure-peak
// measures it again); compile_s / compile_cpu_s, wall and CPU time of the JIT compilation of
// that kernel. The label names the schedule and register tile picked. Kernels use
// the host target; set HL_JIT_TARGET (e.g. x86-64-linux-avx-avx2-fma-f16c-sse41) to benchmark
// another schedule. "naive/" rows use a plain schedule (lanes vectorized, rows parallel, no
// register tile) as a yardstick for the register-tiled one.
//
// "winograd/F<m>/..." rows time the Winograd kernel F(m x m, 3x3) and the direct kernel of the
// same 3x3 stride-1 layer alternately in the same loop (the order flips every iteration, so
// load from other processes falls on both alike). The row's time is the Winograd kernel's;
// counters: GFLOP/s and direct_GFLOP/s, both *direct-equivalent* (the direct convolution's flop
// count over each kernel's time), and speedup = direct time / Winograd time.
//
//   HL_NUM_THREADS=1 build/bench/bench_conv --benchmark_filter='winograd/F4/'
#include <benchmark/benchmark.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "backend/halide/codegen/codegen.h"
#include "backend/halide/conv2d_kernel.h"
#include "backend/halide/layout.h"
#include "backend/halide/winograd_conv2d_kernel.h"
#include "backend/halide/winograd_transforms.h"
#include "frontend/driver/machine_peak.h"

namespace {

using kiln::halide::Activation;
using kiln::halide::Conv2dSpec;

struct Shape {
  std::string name;
  Conv2dSpec spec;
};

// A conv + folded batch-norm bias + ReLU, square input and kernel, symmetric padding.
Conv2dSpec conv(int c, int hw, int k, int kernel, int stride, int pad) {
  Conv2dSpec s;
  s.c = c;
  s.h = s.w = hw;
  s.k = k;
  s.kh = s.kw = kernel;
  s.sh = s.sw = stride;
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = pad;
  s.has_bias = true;
  s.activation = Activation::kRelu;
  return s;
}

// The expansion 1x1 of a bottleneck also adds the skip connection before its ReLU.
Conv2dSpec with_residual(Conv2dSpec s) {
  s.has_residual = true;
  return s;
}

std::vector<Shape> shapes() {
  return {
      {"resnet50/stem_224x224x3_k64_7x7s2", conv(3, 224, 64, 7, 2, 3)},
      {"resnet50/56x56x64_k64_1x1", conv(64, 56, 64, 1, 1, 0)},
      {"resnet50/56x56x64_k64_3x3", conv(64, 56, 64, 3, 1, 1)},
      {"resnet50/56x56x64_k256_1x1_res", with_residual(conv(64, 56, 256, 1, 1, 0))},
      {"resnet50/28x28x128_k128_3x3", conv(128, 28, 128, 3, 1, 1)},
      {"resnet50/14x14x256_k256_3x3", conv(256, 14, 256, 3, 1, 1)},
      {"resnet50/14x14x1024_k256_1x1", conv(1024, 14, 256, 1, 1, 0)},
      {"resnet50/14x14x256_k1024_1x1_res", with_residual(conv(256, 14, 1024, 1, 1, 0))},
      {"resnet50/56x56x128_k128_3x3s2", conv(128, 56, 128, 3, 2, 1)},
      {"resnet50/28x28x256_k256_3x3s2", conv(256, 28, 256, 3, 2, 1)},
      {"resnet50/14x14x512_k512_3x3s2", conv(512, 14, 512, 3, 2, 1)},
      {"resnet50/14x14x1024_k2048_1x1s2", conv(1024, 14, 2048, 1, 2, 0)},
      {"resnet50/7x7x512_k512_3x3", conv(512, 7, 512, 3, 1, 1)},
      {"resnet50/7x7x2048_k512_1x1", conv(2048, 7, 512, 1, 1, 0)},
      {"resnet50/7x7x512_k2048_1x1_res", with_residual(conv(512, 7, 2048, 1, 1, 0))},
      {"googlenet/28x28x192_k64_1x1", conv(192, 28, 64, 1, 1, 0)},
      {"googlenet/28x28x96_k128_3x3", conv(96, 28, 128, 3, 1, 1)},
      {"googlenet/28x28x16_k32_5x5", conv(16, 28, 32, 5, 1, 2)},
  };
}

Halide::Buffer<float> random_buffer(std::vector<int> extents, std::mt19937& rng) {
  Halide::Buffer<float> buf(extents);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  buf.for_each_value([&](float& v) { v = dist(rng); });
  return buf;
}

kiln::halide::Conv2dArgs random_args(const Conv2dSpec& s, int block) {
  using kiln::halide::ceil_div;
  std::mt19937 rng(42);
  const int kb = ceil_div(s.k, block);
  kiln::halide::Conv2dArgs args;
  args.input = random_buffer({block, s.w, s.h, ceil_div(s.c, block), s.n}, rng);
  args.weights = random_buffer({block, s.c / s.groups, s.kw, s.kh, kb}, rng);
  if (s.has_bias) args.bias = random_buffer({kb * block}, rng);
  if (s.has_residual) args.residual = random_buffer({block, s.out_w(), s.out_h(), kb, s.n}, rng);
  return args;
}

// The 3x3 stride-1 layers of the models Winograd is meant for (ResNet-18's are ResNet-50's
// shapes; its second conv of a block adds the residual).
std::vector<Shape> winograd_shapes() {
  return {
      {"resnet50/56x56x64_k64_3x3", conv(64, 56, 64, 3, 1, 1)},
      {"resnet50/28x28x128_k128_3x3", conv(128, 28, 128, 3, 1, 1)},
      {"resnet50/14x14x256_k256_3x3", conv(256, 14, 256, 3, 1, 1)},
      {"resnet50/7x7x512_k512_3x3", conv(512, 7, 512, 3, 1, 1)},
      {"resnet18/56x56x64_k64_3x3_res", with_residual(conv(64, 56, 64, 3, 1, 1))},
      {"resnet18/28x28x128_k128_3x3_res", with_residual(conv(128, 28, 128, 3, 1, 1))},
      {"resnet18/14x14x256_k256_3x3_res", with_residual(conv(256, 14, 256, 3, 1, 1))},
      {"resnet18/7x7x512_k512_3x3_res", with_residual(conv(512, 7, 512, 3, 1, 1))},
      {"vgg16/224x224x3_k64_3x3", conv(3, 224, 64, 3, 1, 1)},
      {"vgg16/224x224x64_k64_3x3", conv(64, 224, 64, 3, 1, 1)},
      {"vgg16/112x112x64_k128_3x3", conv(64, 112, 128, 3, 1, 1)},
      {"vgg16/112x112x128_k128_3x3", conv(128, 112, 128, 3, 1, 1)},
      {"vgg16/56x56x128_k256_3x3", conv(128, 56, 256, 3, 1, 1)},
      {"vgg16/56x56x256_k256_3x3", conv(256, 56, 256, 3, 1, 1)},
      {"vgg16/28x28x256_k512_3x3", conv(256, 28, 512, 3, 1, 1)},
      {"vgg16/28x28x512_k512_3x3", conv(512, 28, 512, 3, 1, 1)},
      {"vgg16/14x14x512_k512_3x3", conv(512, 14, 512, 3, 1, 1)},
  };
}

// Lanes vectorized and rows parallel, nothing else: what a first Halide schedule looks like.
void schedule_naive(kiln::halide::Conv2dPipeline& p) {
  p.output.vectorize(p.v).parallel(p.y);
  p.conv.compute_at(p.output, p.x).vectorize(p.v);
  p.conv.update().vectorize(p.v);
}

// The machine's FMA peak on the threads the kernels use (Halide's pool: HL_NUM_THREADS, else
// one per CPU) and on one core; set in main before any benchmark runs.
kiln::driver::MachinePeak g_peak;
double g_core_peak_gflops = 0;

int kernel_threads() {
  if (const char* env = std::getenv("HL_NUM_THREADS"); env != nullptr && std::atoi(env) > 0)
    return std::atoi(env);
  return std::max(1u, std::thread::hardware_concurrency());
}

// GFLOP/s and GFLOP per CPU-second as percentages of the peak on the threads used and on one
// core.
void add_peak_counters(benchmark::State& state, double gflops, double gflops_per_cpu_second) {
  if (g_peak.all_threads_gflops > 0)
    state.counters["peak_pct"] = 100.0 * gflops / g_peak.all_threads_gflops;
  if (g_core_peak_gflops > 0)
    state.counters["core_peak_pct"] = 100.0 * gflops_per_cpu_second / g_core_peak_gflops;
}

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// One compiled kernel plus its data; compiled once, outside the timed region.
struct Fixture {
  std::unique_ptr<kiln::halide::Conv2dKernel> kernel;
  kiln::halide::Conv2dArgs args;
  Halide::Buffer<float> output;
  double compile_cpu_seconds = 0;  // JIT compilation is single-threaded: its own cost

  Fixture(const Conv2dSpec& spec, bool naive) {
    const Halide::Target target = Halide::get_jit_target_from_environment();
    kiln::halide::Conv2dPipeline p =
        kiln::halide::define_conv2d(spec, kiln::halide::channel_block(target));
    if (naive) {
      schedule_naive(p);
    } else {
      kiln::halide::schedule_conv2d(p, target);
    }
    const double cpu_start = process_cpu_seconds();
    kernel = std::make_unique<kiln::halide::Conv2dKernel>(std::move(p), target);
    compile_cpu_seconds = process_cpu_seconds() - cpu_start;
    args = random_args(spec, kernel->block());
    output = kernel->make_output();
  }

  void run() { kernel->run(args, output); }
};

void bench_conv(benchmark::State& state, const std::string& key, Conv2dSpec spec, bool naive) {
  // Google Benchmark calls this repeatedly while it sizes the iteration count; compile once.
  static std::map<std::string, std::unique_ptr<Fixture>> cache;
  auto& fixture = cache[key];
  if (!fixture) {
    fixture = std::make_unique<Fixture>(spec, naive);
    fixture->run();  // warm up the thread pool and caches
  }
  const double cpu_start = process_cpu_seconds();
  const auto wall_start = std::chrono::steady_clock::now();
  for (auto _ : state) fixture->run();
  const double wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const double cpu_seconds = process_cpu_seconds() - cpu_start;
  const double gflop = spec.flops() * 1e-9 * static_cast<double>(state.iterations());
  state.counters["GFLOP/s"] =
      benchmark::Counter(spec.flops() * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  // Work per CPU-second of all threads: per-core efficiency, and much less disturbed than wall
  // time when other processes share the cores (pool threads spinning while idle count too).
  state.counters["GFLOP/cpu_s"] = gflop / cpu_seconds;
  add_peak_counters(state, gflop / wall_seconds, gflop / cpu_seconds);
  state.counters["compile_s"] = fixture->kernel->compile_seconds();
  state.counters["compile_cpu_s"] = fixture->compile_cpu_seconds;
  state.SetLabel(naive ? "naive" : fixture->kernel->schedule());
}

// The Winograd kernel of one layer and the direct kernel, with the same input.
struct WinogradFixture {
  std::unique_ptr<kiln::halide::WinogradConv2dKernel> winograd;
  Fixture direct;
  kiln::halide::Conv2dArgs args;
  Halide::Buffer<float> output;

  WinogradFixture(const Conv2dSpec& spec, int tile) : direct(spec, false) {
    winograd = std::make_unique<kiln::halide::WinogradConv2dKernel>(
        kiln::halide::WinogradConv2dSpec{spec, tile});
    args = direct.args;
    std::mt19937 rng(7);
    args.weights = kiln::halide::pack_winograd_weights(random_buffer({3, 3, spec.c, spec.k}, rng),
                                                       tile, winograd->block());
    output = winograd->make_output();
  }
};

double seconds_of(const std::function<void()>& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void bench_winograd(benchmark::State& state, const std::string& key, Conv2dSpec spec, int tile) {
  static std::map<std::string, std::unique_ptr<WinogradFixture>> cache;
  auto& f = cache[key];
  if (!f) {
    f = std::make_unique<WinogradFixture>(spec, tile);
    f->direct.run();
    f->winograd->run(f->args, f->output);
  }
  double direct_s = 0, winograd_s = 0;
  bool direct_first = true;
  for (auto _ : state) {
    const double before = winograd_s;
    auto run_winograd = [&] {
      winograd_s += seconds_of([&] { f->winograd->run(f->args, f->output); });
    };
    auto run_direct = [&] { direct_s += seconds_of([&] { f->direct.run(); }); };
    if (direct_first) {
      run_direct();
      run_winograd();
    } else {
      run_winograd();
      run_direct();
    }
    direct_first = !direct_first;
    state.SetIterationTime(winograd_s - before);
  }
  const double iterations = static_cast<double>(state.iterations());
  state.counters["GFLOP/s"] = spec.flops() * 1e-9 * iterations / winograd_s;
  state.counters["direct_GFLOP/s"] = spec.flops() * 1e-9 * iterations / direct_s;
  state.counters["speedup"] = direct_s / winograd_s;
  // Direct-equivalent, as GFLOP/s (no CPU time: the loop times two kernels).
  if (g_peak.all_threads_gflops > 0)
    state.counters["peak_pct"] =
        100.0 * spec.flops() * 1e-9 * iterations / winograd_s / g_peak.all_threads_gflops;
  state.SetLabel(f->winograd->schedule() + " vs " + f->direct.kernel->schedule());
}

void register_all() {
  for (const Shape& shape : shapes()) {
    benchmark::RegisterBenchmark(shape.name.c_str(), bench_conv, shape.name, shape.spec, false)
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
  }
  for (const Shape& shape : shapes()) {
    if (shape.name.find("56x56x64_k64") == std::string::npos) continue;
    const std::string name = "naive/" + shape.name;
    benchmark::RegisterBenchmark(name.c_str(), bench_conv, name, shape.spec, true)
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
  }
  for (int tile : {2, 4, 6}) {
    for (const Shape& shape : winograd_shapes()) {
      const std::string name = "winograd/F" + std::to_string(tile) + "/" + shape.name;
      benchmark::RegisterBenchmark(name.c_str(), bench_winograd, name, shape.spec, tile)
          ->UseManualTime()
          ->Unit(benchmark::kMicrosecond);
    }
  }
}

// The first JIT compilation in a process also builds Halide's JIT runtime (~0.3-0.5 s here);
// pay it up front so compile_s of the first benchmark is comparable to the others.
void warm_up_jit() {
  const double start = process_cpu_seconds();
  Halide::Func f("warm_up");
  Halide::Var i("i");
  f(i) = i;
  f.realize({8});
  std::printf("Halide JIT runtime warm-up: %.2f CPU s (excluded from compile_s)\n",
              process_cpu_seconds() - start);
}

// The peak on `threads` threads and on one core, cached as `kiln bench` caches it.
void load_machine_peak(int threads, bool remeasure) {
  const std::string cache = kiln::halide::default_cache_dir();
  g_peak = kiln::driver::machine_peak(cache, threads, remeasure);
  g_core_peak_gflops = g_peak.single_thread_gflops;  // measured and cached with it
  std::printf("machine peak: %.1f GFLOP/s on %d thread%s, %.1f on one core (%s, %s)\n",
              g_peak.all_threads_gflops, threads, threads == 1 ? "" : "s", g_core_peak_gflops,
              g_peak.isa.c_str(),
              g_peak.from_cache ? ("cached in " + g_peak.cache_file).c_str() : "measured now");
}

}  // namespace

int main(int argc, char** argv) {
  // Ours, not Google Benchmark's: taken out before it checks for unrecognized flags.
  bool remeasure = false;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--remeasure-peak") == 0) {
      remeasure = true;
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  load_machine_peak(kernel_threads(), remeasure);
  warm_up_jit();
  register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
