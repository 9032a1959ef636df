// Page-aligned float buffers for the tile loops (tile_ceiling.cpp, two_cores.cpp): the loops'
// data starts on its own pages, as a planned tensor does.
#pragma once

#include <cstdio>
#include <cstdlib>

// `bytes` rounded up to whole pages (aligned_alloc wants a multiple of the alignment); exits on
// failure, as the tools have nothing to fall back to.
inline float* page_aligned_floats(long bytes) {
  auto* p = static_cast<float*>(std::aligned_alloc(4096, (bytes + 4095) / 4096 * 4096));
  if (p == nullptr) {
    std::fprintf(stderr, "out of memory\n");
    std::exit(1);
  }
  return p;
}
