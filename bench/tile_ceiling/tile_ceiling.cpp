// The ceiling of Kiln's register tiles on this machine: hand-scheduled loops (gen_kernels.py)
// timed with the data where a convolution finds it. Every trial of a variant follows a trial of
// the FMA-only loop, and the table gives each variant's best GFLOP/s over the rounds and its
// share of the FMA-only loop trial by trial (best and median over the rounds). On a shared host
// the cores' throughput moves by 10-15% within minutes, and loops with loads lose more of it than
// the FMA-only loop: a share of one run-wide best FMA trial charges that drift to the tile.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "page_aligned.h"

using Kernel = void (*)(const float*, const float*, long, long, long);
extern "C" {
#define TILE(name, kvec, px, prefetch) void name(const float*, const float*, long, long, long);
#include "tile_kernels.inc"
#undef TILE
void kiln_fma_peak(long iterations);
}

namespace {

struct Tile {
  const char* name;
  Kernel fn;
  int kvec, px;
  bool prefetch;
};

const Tile kTiles[] = {
#define TILE(name, kvec, px, prefetch) {#name, name, kvec, px, prefetch},
#include "tile_kernels.inc"
#undef TILE
};

// Where the data lives: `channels` per reduction; the input cycles over `rows` rows of 14 pixel
// lines per block (1: the same row every call; 14: a 14x14 image, L2); the weights cycle over
// `weight_copies` copies (8: L2). At 128 channels one copy of the weights (8 KiB per stream, 32
// for 4x6) and one row of input (7 KiB) fit the 48 KiB L1 of every tile here together.
struct Setting {
  const char* what;
  long channels, rows, weight_copies;
};

const Setting kSettings[] = {
    {"L1: 128 channels, one row, one weight copy", 128, 1, 1},
    {"input from L2: 128 channels, 14 rows", 128, 14, 1},
    {"weights from L2: 256 channels, one row, 8 weight copies", 256, 1, 8},
    {"both from L2: 1024 channels, 14 rows (ResNet-50's 14x14 1024->256)", 1024, 14, 1},
};

double seconds(auto&& f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double best(const std::vector<double>& v) {
  return *std::max_element(v.begin(), v.end());
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 7;
  const long flops_per_call = 2'000'000'000;  // ~10 ms per call at peak
  auto fma_only = [&] {
    return flops_per_call / seconds([&] { kiln_fma_peak(flops_per_call / 768); }) / 1e9;
  };
  std::vector<double> peak;
  for (const Setting& s : kSettings) {
    const long blocks = s.channels / 16, w_stride = s.channels * 64;  // 64 bytes per channel
    const long w_copy = 8 * w_stride;                                 // up to 8 streams
    const long in_block_stride = s.rows * 14 * 64;
    float* w = page_aligned_floats(w_copy * s.weight_copies);
    float* in = page_aligned_floats(blocks * in_block_stride);
    std::fill(w, w + w_copy * s.weight_copies / 4, 0.001f);
    std::fill(in, in + blocks * in_block_stride / 4, 0.5f);
    std::vector<std::vector<double>> gflops(std::size(kTiles)), share(std::size(kTiles));
    for (int r = 0; r < rounds; ++r) {
      for (size_t t = 0; t < std::size(kTiles); ++t) {
        const double fma_now = fma_only();
        peak.push_back(fma_now);
        const Tile& k = kTiles[t];
        const long flops = 2L * k.kvec * 16 * k.px * s.channels;
        const long calls = flops_per_call / flops;
        const double sec = seconds([&] {
          for (long c = 0; c < calls; ++c)
            k.fn(w + (c % s.weight_copies) * (w_copy / 4), in + (c % s.rows) * 14 * 16, blocks,
                 w_stride, in_block_stride);
        });
        gflops[t].push_back(calls * flops / sec / 1e9);
        share[t].push_back(gflops[t].back() / fma_now);
      }
    }
    std::printf("%s\n", s.what);
    std::printf("  %-32s %13s  %s\n", "variant", "best",
                "of the FMA-only trial before: best, median");
    for (size_t t = 0; t < std::size(kTiles); ++t)
      std::printf("  %-32s %6.1f GFLOP/s  %3.0f%%  %3.0f%%\n", kTiles[t].name, best(gflops[t]),
                  100 * best(share[t]), 100 * median(share[t]));
    std::free(w);
    std::free(in);
  }
  std::printf("FMA-only loop (one thread): best %.1f GFLOP/s, median %.1f, over %zu trials\n",
              best(peak), median(peak), peak.size());
}
