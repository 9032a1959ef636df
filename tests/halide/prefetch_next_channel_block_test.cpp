// The software prefetch of the next channel block (prefetch_next_channel_block.h), read off the
// assembly of ahead-of-time modules; numerics of prefetching kernels are covered by the AOT and
// zoo compile tests, whose ResNet 1x1 and 1x1/2 layers use it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "backend/halide/conv2d_kernel.h"

namespace kiln::halide {
namespace {

const Halide::Target kAvx512("x86-64-linux-avx-avx2-avx512-avx512_skylake-fma-f16c-sse41");

Conv2dSpec pointwise(int c, int hw, int k, int stride) {
  Conv2dSpec s;
  s.c = c;
  s.h = s.w = hw;
  s.k = k;
  s.sh = s.sw = stride;
  s.has_bias = true;
  s.activation = Activation::kRelu;
  return s;
}

std::string assembly_of(const Conv2dSpec& spec, const Halide::Target& target = kAvx512) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("kiln_prefetch_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "kernel.s").string();
  compile_conv2d_module(spec, target, "kernel").compile({{Halide::OutputFileType::assembly, path}});
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::filesystem::remove_all(dir);
  return text.str();
}

// Counts lines matching `pattern` in the kernel's code only: its prefetches address a base plus
// an index register, the runtime's own _halide_prefetch helper a bare pointer "(%rdi)".
int count(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  std::istringstream lines(text);
  int n = 0;
  for (std::string line; std::getline(lines, line);) {
    if (std::regex_search(line, re) && std::regex_search(line, std::regex("\\(%r[a-z0-9]+,"))) ++n;
  }
  return n;
}

TEST(PrefetchNextChannelBlock, PrefetchesEachPixelLineOfTheNextBlockIntoEveryCacheLevel) {
  // 2x14 tile: 14 pixels broadcast per step, one line each; the next block is a 56x56 plane
  // of 16 floats further: 200704 bytes.
  const std::string s = assembly_of(pointwise(256, 56, 64, 1));
  EXPECT_EQ(count(s, "\\bprefetcht0\\s"), 14) << s;
  EXPECT_EQ(count(s, "\\bprefetchnta\\s"), 0);
  EXPECT_EQ(count(s, "prefetcht0\\s+200704\\("), 1);
  EXPECT_EQ(count(s, "prefetcht0\\s+201536\\("), 1);  // the 14th pixel: 13 lines further
}

TEST(PrefetchNextChannelBlock, StridedPixelsGetOneLineEach) {
  // 1x1/2, 4x4 tile: 4 pixels two lines apart.
  const std::string s = assembly_of(pointwise(256, 56, 512, 2));
  EXPECT_EQ(count(s, "\\bprefetcht0\\s"), 4) << s;
}

TEST(PrefetchNextChannelBlock, ExpandingConvsDoNotPrefetch) {
  const std::string s = assembly_of(pointwise(64, 56, 256, 1));
  EXPECT_EQ(count(s, "\\bprefetch"), 0);
}

TEST(PrefetchNextChannelBlock, AvxTwoKernelsPrefetchOneLinePerTwoPixels) {
  // 8-lane blocks: a pixel is half a line, so a 2x6 tile's 6 pixels need 3 lines, 64 bytes
  // apart from the next block's start (56 * 56 * 8 floats = 100352 bytes on).
  const std::string s = assembly_of(pointwise(256, 56, 64, 1),
                                    Halide::Target("x86-64-linux-avx-avx2-fma-f16c-sse41"));
  for (const char* line : {"100352", "100416", "100480"}) {
    EXPECT_GE(count(s, std::string("prefetcht0\\s+") + line + "\\("), 1) << line << "\n" << s;
  }
  EXPECT_EQ(count(s, "prefetcht0\\s+100384\\("), 0) << "a prefetch per pixel, not per line";
}

TEST(PrefetchNextChannelBlock, OtherArchitecturesGoWithout) {
  const Conv2dPipeline p = build_conv2d(pointwise(256, 56, 64, 1), Halide::Target("arm-64-linux"));
  ASSERT_GT(p.prefetch_block_stride, 0);  // the schedule asks; the x86-64 code cannot be linked
  const Halide::Module m = conv2d_module(p, Halide::Target("arm-64-linux"), "kernel");
  EXPECT_TRUE(m.external_code().empty());
}

}  // namespace
}  // namespace kiln::halide
