#include "frontend/driver/machine_peak.h"

#include <immintrin.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace kiln::driver {

namespace {

// Bumped whenever the microkernel changes, so stale cached figures are not reused.
constexpr int kPeakVersion = 2;
// The same for the conv-like loop and its cached best share.
constexpr int kConvLoopVersion = 2;
// Best of this many timings: on a shared machine the fastest trial is the one
// least disturbed by other work, and the peak is a best case by definition.
constexpr int kTrials = 7;
// Each trial runs about this long: well above timer resolution and thread
// start-up, short enough that the whole measurement stays near a second.
constexpr double kTrialSeconds = 0.02;
// A trial counts when every thread ran for at least this share of it.
constexpr double kCleanShare = 0.97;
// Trials stop after this long even when too few were clean (a busy machine).
constexpr double kBudgetSeconds = 1;

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

constexpr int kLanes512 = 16;  // floats per zmm
constexpr int kLanes256 = 8;   // floats per ymm

// Enough independent accumulators to cover FMA latency (4 cycles) times two
// FMA ports, with room to spare, while all of them and the two constants
// still fit in the register file (32 zmm; 16 ymm).
constexpr int kAcc512 = 24;
constexpr int kAcc256 = 12;
constexpr int kAccScalar = 8;

// The conv loops' register tiles: 2 weight vectors x kConvPx pixels, over kConvSteps input
// channels per iteration (see conv_loop_avx512 and conv_loop_avx2).
constexpr int kConvPx512 = 14, kConvSteps512 = 16;
constexpr int kConvPx256 = 6, kConvSteps256 = 8;

// Flops per iteration: 2 per lane of each FMA.
constexpr double kFmaLoop512Flops = 2.0 * kLanes512 * kAcc512;
constexpr double kFmaLoop256Flops = 2.0 * kLanes256 * kAcc256;
constexpr double kFmaLoopScalarFlops = 2.0 * kAccScalar;
constexpr double kConvLoop512Flops = 2.0 * kLanes512 * 2 * kConvPx512 * kConvSteps512;
constexpr double kConvLoop256Flops = 2.0 * kLanes256 * 2 * kConvPx256 * kConvSteps256;

// The sum of a vector's lanes: each loop's result, so that no lane's work can be optimised out.
__attribute__((target("avx512f"))) float sum_lanes(__m512 v) {
  float lanes[16];
  _mm512_storeu_ps(lanes, v);
  float total = 0;
  for (float x : lanes) total += x;
  return total;
}

__attribute__((target("avx2"))) float sum_lanes(__m256 v) {
  float lanes[8];
  _mm256_storeu_ps(lanes, v);
  float total = 0;
  for (float x : lanes) total += x;
  return total;
}

// acc = acc * a + b converges to b / (1 - a) = 1: values stay normal, so no
// denormal slow path, and the compiler cannot fold the chain away.
__attribute__((target("avx512f,fma"))) float fma_loop_avx512(int64_t iters) {
  __m512 acc[kAcc512];
  for (int i = 0; i < kAcc512; ++i) acc[i] = _mm512_set1_ps(0.01f * i);
  const __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(0.001f);
  for (int64_t it = 0; it < iters; ++it) {
#pragma GCC unroll 32
    for (int i = 0; i < kAcc512; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  }
  __m512 sum = acc[0];
  for (int i = 1; i < kAcc512; ++i) sum = _mm512_add_ps(sum, acc[i]);
  return sum_lanes(sum);
}

__attribute__((target("avx2,fma"))) float fma_loop_avx2(int64_t iters) {
  __m256 acc[kAcc256];
  for (int i = 0; i < kAcc256; ++i) acc[i] = _mm256_set1_ps(0.01f * i);
  const __m256 a = _mm256_set1_ps(0.999f), b = _mm256_set1_ps(0.001f);
  for (int64_t it = 0; it < iters; ++it) {
#pragma GCC unroll 16
    for (int i = 0; i < kAcc256; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  }
  __m256 sum = acc[0];
  for (int i = 1; i < kAcc256; ++i) sum = _mm256_add_ps(sum, acc[i]);
  return sum_lanes(sum);
}

float fma_loop_scalar(int64_t iters) {
  float acc[kAccScalar] = {0, 1, 2, 3, 4, 5, 6, 7};
  for (int64_t it = 0; it < iters; ++it)
    for (float& x : acc) x = x * 0.999f + 0.001f;
  float total = 0;
  for (float x : acc) total += x;
  return total;
}

// A conv kernel's inner loop as Kiln's AVX-512 schedule runs it: a 2x14 register tile (2 weight
// vectors x 14 pixels, 28 accumulators), each step loading the two weight vectors and
// broadcasting 14 input pixels from L1. The asm barrier keeps the loads in the loop. Mixed-sign
// weights keep the sums small and normal.
__attribute__((target("avx512f,fma"))) float conv_loop_avx512(int64_t iters) {
  constexpr int kPx = kConvPx512, kSteps = kConvSteps512;
  alignas(64) float in[kPx * kSteps];
  alignas(64) float w[kSteps * 2 * kLanes512];
  for (int i = 0; i < kPx * kSteps; ++i) in[i] = 1e-3f * static_cast<float>(i % 7 + 1);
  for (int i = 0; i < kSteps * 2 * kLanes512; ++i) w[i] = 1e-3f * static_cast<float>(i % 5 - 2);
  __m512 acc0[kPx], acc1[kPx];
  for (int p = 0; p < kPx; ++p) acc0[p] = acc1[p] = _mm512_setzero_ps();
  const float* pin = in;
  const float* pw = w;
  for (int64_t it = 0; it < iters; ++it) {
    asm volatile("" : "+r"(pin), "+r"(pw));
    for (int c = 0; c < kSteps; ++c) {
      const __m512 w0 = _mm512_load_ps(pw + c * 32), w1 = _mm512_load_ps(pw + c * 32 + 16);
#pragma GCC unroll 14
      for (int p = 0; p < kPx; ++p) {
        const __m512 b = _mm512_set1_ps(pin[p * kSteps + c]);
        acc0[p] = _mm512_fmadd_ps(w0, b, acc0[p]);
        acc1[p] = _mm512_fmadd_ps(w1, b, acc1[p]);
      }
    }
  }
  __m512 sum = _mm512_setzero_ps();
  for (int p = 0; p < kPx; ++p) sum = _mm512_add_ps(sum, _mm512_add_ps(acc0[p], acc1[p]));
  return sum_lanes(sum);
}

// The AVX2 schedule's tile: 2 weight vectors x 6 pixels, 12 of 16 ymm registers accumulating.
__attribute__((target("avx2,fma"))) float conv_loop_avx2(int64_t iters) {
  constexpr int kPx = kConvPx256, kSteps = kConvSteps256;
  alignas(32) float in[kPx * kSteps];
  alignas(32) float w[kSteps * 2 * kLanes256];
  for (int i = 0; i < kPx * kSteps; ++i) in[i] = 1e-3f * static_cast<float>(i % 7 + 1);
  for (int i = 0; i < kSteps * 2 * kLanes256; ++i) w[i] = 1e-3f * static_cast<float>(i % 5 - 2);
  __m256 acc0[kPx], acc1[kPx];
  for (int p = 0; p < kPx; ++p) acc0[p] = acc1[p] = _mm256_setzero_ps();
  const float* pin = in;
  const float* pw = w;
  for (int64_t it = 0; it < iters; ++it) {
    asm volatile("" : "+r"(pin), "+r"(pw));
    for (int c = 0; c < kSteps; ++c) {
      const __m256 w0 = _mm256_load_ps(pw + c * 16), w1 = _mm256_load_ps(pw + c * 16 + 8);
#pragma GCC unroll 6
      for (int p = 0; p < kPx; ++p) {
        const __m256 b = _mm256_broadcast_ss(pin + p * kSteps + c);
        acc0[p] = _mm256_fmadd_ps(w0, b, acc0[p]);
        acc1[p] = _mm256_fmadd_ps(w1, b, acc1[p]);
      }
    }
  }
  __m256 sum = _mm256_setzero_ps();
  for (int p = 0; p < kPx; ++p) sum = _mm256_add_ps(sum, _mm256_add_ps(acc0[p], acc1[p]));
  return sum_lanes(sum);
}

// The host's widest FMA and its two loops: the peak's FMA-only microkernel and the conv-like
// loop (none without a vector FMA). Chosen once.
struct HostLoops {
  RateLoop microkernel;
  RateLoop conv_loop;
};

const HostLoops& host_loops() {
  static const HostLoops loops = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma"))
      return HostLoops{{"avx512f+fma", fma_loop_avx512, kFmaLoop512Flops},
                       {"avx512f+fma", conv_loop_avx512, kConvLoop512Flops}};
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
      return HostLoops{{"avx2+fma", fma_loop_avx2, kFmaLoop256Flops},
                       {"avx2+fma", conv_loop_avx2, kConvLoop256Flops}};
    return HostLoops{{"scalar", fma_loop_scalar, kFmaLoopScalarFlops}, {"scalar", nullptr, 0}};
  }();
  return loops;
}

// Keeps every result observable so no call is optimised out.
std::atomic<float> g_sink{0};

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// Iterations for one trial of about kTrialSeconds on one thread.
int64_t calibrate(const RateLoop& loop) {
  int64_t iters = 1024;
  for (;;) {
    double start = thread_cpu_seconds();
    g_sink = g_sink + loop.loop(iters);
    double s = thread_cpu_seconds() - start;
    if (s >= kTrialSeconds / 4) return std::max<int64_t>(iters, iters * kTrialSeconds / s);
    iters *= 4;
  }
}

struct Trial {
  double gflops = 0;      // all the work over the wall time
  double cpu_gflops = 0;  // the sum of each thread's work over its CPU time
  // Every thread had its core for the whole trial. On a shared machine
  // another process may take a core for part of a trial; its rate then says
  // nothing about the hardware, and the thread's CPU time shows it.
  bool clean = false;
};

// `threads` threads each running the loop, released together; the rate is
// all their work over the wall time from release to the last one's end.
Trial parallel_trial(const RateLoop& loop, int64_t iters, int threads) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  Clock::time_point release;
  std::vector<Clock::time_point> ends(threads);
  std::vector<double> cpu(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      double start = thread_cpu_seconds();
      g_sink = g_sink + loop.loop(iters);
      cpu[t] = thread_cpu_seconds() - start;
      ends[t] = Clock::now();
    });
  }
  while (ready.load() < threads) std::this_thread::yield();
  release = Clock::now();
  go.store(true, std::memory_order_release);
  for (std::thread& t : pool) t.join();
  Trial trial;
  trial.clean = true;
  double wall = 0;
  for (int t = 0; t < threads; ++t) {
    double own = std::chrono::duration<double>(ends[t] - release).count();
    wall = std::max(wall, own);
    trial.clean = trial.clean && cpu[t] >= kCleanShare * own;
    trial.cpu_gflops += loop.flops_per_iter * iters / cpu[t] * 1e-9;
  }
  trial.gflops = loop.flops_per_iter * iters * threads / wall * 1e-9;
  return trial;
}

struct Rate {
  double gflops = 0;
  bool contended = false;
};

// The best clean trial; trials go on (within a budget) until kTrials of them
// were clean. With none clean, the best rate per CPU second instead, marked
// contended: it discounts the time other processes held the cores, but
// cannot tell whether the threads really ran at the same time.
Rate best_rate(const RateLoop& loop, int64_t iters, int threads) {
  Rate best_clean, best_cpu;
  int clean = 0;
  Clock::time_point start = Clock::now();
  while (clean < kTrials && seconds_since(start) < kBudgetSeconds) {
    Trial t = parallel_trial(loop, iters, threads);
    best_cpu.gflops = std::max(best_cpu.gflops, t.cpu_gflops);
    if (t.clean) best_clean.gflops = std::max(best_clean.gflops, t.gflops);
    clean += t.clean;
  }
  if (clean > 0) return best_clean;
  best_cpu.contended = true;
  return best_cpu;
}

std::map<std::string, std::string> cpuinfo_fields() {
  std::map<std::string, std::string> fields;
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line) && !line.empty();) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, line.find_last_not_of(" \t", colon - 1) + 1);
    std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
    fields.emplace(key, value);
  }
  return fields;
}

// Model name alone is not enough under a hypervisor, which often reports a
// generic one ("Intel(R) Xeon(R) Processor") for different parts.
std::string cpu_identity() {
  auto f = cpuinfo_fields();
  std::string name = f.count("model name") ? f["model name"] : "unknown CPU";
  return name + " (family " + f["cpu family"] + " model " + f["model"] + " stepping " +
         f["stepping"] + ")";
}

std::string file_key(const std::string& text) {
  std::string key;
  for (char c : text) {
    bool keep = std::isalnum(static_cast<unsigned char>(c));
    if (keep)
      key += c;
    else if (!key.empty() && key.back() != '_')
      key += '_';
  }
  return key;
}

// <cache_dir>/machine-peak/<cpu>_<isa>_t<threads>_<kind>.json, `cpu` as cpu_identity() says.
fs::path cache_path(const std::string& cache_dir, const std::string& cpu, const std::string& isa,
                    int threads, const std::string& kind) {
  return fs::path(cache_dir) / "machine-peak" /
         (file_key(cpu) + "_" + file_key(isa) + "_t" + std::to_string(threads) + "_" + kind +
          ".json");
}

// The file's JSON object, or an empty object when it is absent or unreadable.
nlohmann::json read_json_object(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return nlohmann::json::object();
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : nlohmann::json::object();
}

// A damaged file (a field missing or of the wrong type) reads as 0: no record, not an error.
double number_field(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0;
}

// Written to a temporary name and renamed, so that two benchmarks starting at once never read a
// half-written file; not renamed when `still_wanted`, asked just before, says another run has
// written something better meanwhile.
void write_json_atomically(
    const fs::path& path, const nlohmann::ordered_json& j,
    const std::function<bool()>& still_wanted = [] { return true; }) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  fs::path tmp = path.string() + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp);
    if (!out) return;
    out << j.dump(2) << "\n";
  }
  if (still_wanted()) fs::rename(tmp, path, ec);
  fs::remove(tmp, ec);  // left only when not renamed
}

fs::path peak_cache_path(const std::string& cache_dir, const MachinePeak& p) {
  return cache_path(cache_dir, p.cpu, p.isa, p.threads, "v" + std::to_string(kPeakVersion));
}

bool read_cached(const fs::path& path, MachinePeak& p) {
  const nlohmann::json j = read_json_object(path);
  p.single_thread_gflops = number_field(j, "single_thread_gflops");
  p.all_threads_gflops = number_field(j, "all_threads_gflops");
  p.ghz = number_field(j, "ghz");
  return p.single_thread_gflops > 0 && p.all_threads_gflops > 0;
}

void write_cached(const fs::path& path, const MachinePeak& p) {
  write_json_atomically(path, {{"cpu", p.cpu},
                               {"isa", p.isa},
                               {"threads", p.threads},
                               {"single_thread_gflops", p.single_thread_gflops},
                               {"all_threads_gflops", p.all_threads_gflops},
                               {"ghz", p.ghz}});
}

double read_best_share(const fs::path& path) {
  return number_field(read_json_object(path), "best_share");
}

// Unless another run recorded a higher share meanwhile.
void write_best_share(const fs::path& path, const std::string& cpu, double share) {
  write_json_atomically(path, {{"cpu", cpu}, {"best_share", share}},
                        [&] { return read_best_share(path) < share; });
}

// measure_machine_peak for the CPU `cpu` (cpu_identity(), read once by the caller).
MachinePeak measure_peak_of(const std::string& cpu, int threads) {
  const RateLoop& loop = host_loops().microkernel;
  MachinePeak p;
  p.cpu = cpu;
  p.isa = loop.isa;
  p.threads = std::max(1, threads);
  int64_t iters = calibrate(loop);
  Rate one = best_rate(loop, iters, 1);
  Rate all = p.threads == 1 ? one : best_rate(loop, iters, p.threads);
  p.single_thread_gflops = one.gflops;
  p.all_threads_gflops = all.gflops;
  p.contended = one.contended || all.contended;
  p.ghz = measure_clock_ghz();
  return p;
}

}  // namespace

double measure_conv_loop_now(int threads, int trials) {
  const RateLoop loop = host_loops().conv_loop;
  return loop.loop == nullptr ? 0 : measure_loop_now(loop, threads, trials);
}

ConvLoopRate conv_loop_rate(const std::string& cache_dir, int threads, double now_gflops,
                            double microkernel_now_gflops, bool reset) {
  ConvLoopRate r;
  r.now_gflops = now_gflops;
  if (now_gflops <= 0 || microkernel_now_gflops <= 0) return r;
  r.share = now_gflops / microkernel_now_gflops;
  r.best_share = r.share;
  if (cache_dir.empty()) return r;
  const std::string cpu = cpu_identity();
  const fs::path path = cache_path(cache_dir, cpu, host_loops().conv_loop.isa, std::max(1, threads),
                                   "conv_loop_v" + std::to_string(kConvLoopVersion));
  r.cache_file = path.string();
  const double cached = reset ? 0 : read_best_share(path);
  if (cached >= r.share) {
    r.best_share = cached;
  } else {
    write_best_share(path, cpu, r.share);
  }
  return r;
}

// One dependent add per cycle: the chain's length over its time is the clock.
// Register operands, not immediates: recent cores (Golden Cove) fold chains of
// add-immediate at rename and would retire several a cycle.
double measure_clock_ghz() {
  constexpr int64_t kBlocks = 20000;  // of 1000 adds: 20 M cycles, ~7 ms
  double best = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    uint64_t x = 0, one = 1;
    double start = thread_cpu_seconds();  // not wall time: preemption would slow the "clock"
    for (int64_t b = 0; b < kBlocks; ++b)
      asm volatile(".rept 1000\n\taddq %1, %0\n\t.endr" : "+r"(x) : "r"(one));
    best = std::max(best, kBlocks * 1000.0 / (thread_cpu_seconds() - start) * 1e-9);
  }
  return best;
}

double measure_loop_now(const RateLoop& loop, int threads, int trials) {
  // Calibrated once per loop and process: a few short runs.
  static std::mutex mutex;
  static std::map<float (*)(int64_t), int64_t> calibrated;
  int64_t iters = 0;
  {
    const std::lock_guard<std::mutex> lock(mutex);
    auto it = calibrated.find(loop.loop);
    if (it == calibrated.end()) it = calibrated.emplace(loop.loop, calibrate(loop)).first;
    iters = it->second;
  }
  double best = 0;
  for (int t = 0; t < std::max(1, trials); ++t)
    best = std::max(best, parallel_trial(loop, iters, std::max(1, threads)).gflops);
  return best;
}

double measure_peak_now(int threads, int trials) {
  return measure_loop_now(host_loops().microkernel, threads, trials);
}

MachinePeak measure_machine_peak(int threads) {
  return measure_peak_of(cpu_identity(), threads);
}

MachinePeak machine_peak(const std::string& cache_dir, int threads, bool remeasure) {
  if (cache_dir.empty()) return measure_machine_peak(threads);
  MachinePeak p;
  p.cpu = cpu_identity();
  p.isa = host_loops().microkernel.isa;
  p.threads = std::max(1, threads);
  fs::path path = peak_cache_path(cache_dir, p);
  p.cache_file = path.string();
  if (!remeasure && read_cached(path, p)) {
    p.from_cache = true;
    return p;
  }
  MachinePeak measured = measure_peak_of(p.cpu, threads);
  // A figure taken under load is only an estimate: it serves this run, and
  // the next one measures again rather than inherit it.
  if (!measured.contended) {
    measured.cache_file = p.cache_file;
    write_cached(path, measured);
  }
  return measured;
}

}  // namespace kiln::driver
