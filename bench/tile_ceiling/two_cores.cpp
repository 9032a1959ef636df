// The 2x14 register tile of gen_kernels.py on both cores at once, with the 14x14 1024-channel
// working set (ResNet-50's 14x14 1024->256): one thread alone, two threads each reading their
// own input, and two threads reading one shared input, as the two halves of a layer's output
// channels do. Rounds alternate the three; each line is one round's GFLOP/s per thread.
// Linux only (threads pinned to CPUs 0 and 1).
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "page_aligned.h"

extern "C" void kiln_tile_2x14(const float*, const float*, long, long, long);

namespace {

float* filled_floats(long bytes) {
  float* p = page_aligned_floats(bytes);
  std::fill(p, p + bytes / 4, 0.5f);
  return p;
}

bool pin_to_cpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 6;
  if (std::thread::hardware_concurrency() < 2) {
    std::fprintf(stderr, "two_cores: needs two CPUs\n");
    return 1;
  }
  const long channels = 1024, blocks = channels / 16, rows = 14;
  const long w_stride = channels * 64, in_block_stride = rows * 14 * 64;
  const long flops = 2L * 2 * 16 * 14 * channels, calls = 4'000'000'000L / flops;
  float* shared_input = filled_floats(blocks * in_block_stride);
  float* own_input[2] = {filled_floats(blocks * in_block_stride),
                         filled_floats(blocks * in_block_stride)};
  // Each thread computes other output channels: its own weights, as in a layer.
  float* weights[2] = {filled_floats(2 * w_stride), filled_floats(2 * w_stride)};
  const char* names[] = {"one thread", "two threads, own inputs", "two threads, shared input"};
  for (int r = 0; r < rounds; ++r) {
    for (int mode = 0; mode < 3; ++mode) {
      const int threads = mode == 0 ? 1 : 2;
      std::atomic<int> ready{0};
      std::atomic<bool> pinned{true};
      double gflops[2] = {0, 0};
      auto body = [&](int t) {
        if (!pin_to_cpu(t)) pinned = false;
        const float* in = mode == 2 ? shared_input : own_input[t];
        ++ready;
        while (ready.load() < threads) {
        }
        const auto start = std::chrono::steady_clock::now();
        for (long c = 0; c < calls; ++c)
          kiln_tile_2x14(weights[t], in + (c % rows) * 14 * 16, blocks, w_stride, in_block_stride);
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        gflops[t] = calls * flops / s / 1e9;
      };
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; ++t) pool.emplace_back(body, t);
      for (std::thread& t : pool) t.join();
      if (!pinned) {
        std::fprintf(stderr, "two_cores: cannot pin threads to CPUs 0 and 1\n");
        return 1;
      }
      if (threads == 1) {
        std::printf("%-28s cpu0 %6.1f GFLOP/s\n", names[mode], gflops[0]);
      } else {
        std::printf("%-28s cpu0 %6.1f  cpu1 %6.1f GFLOP/s\n", names[mode], gflops[0], gflops[1]);
      }
    }
  }
}
