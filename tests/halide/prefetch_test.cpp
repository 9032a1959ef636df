// The software prefetches of the direct conv2d (prefetch_next_channel_block.h,
// prefetch_tile_epilogue.h, prefetch_weights_ahead.h, prefetch_next_tile_weights.h), read off the
// lowered statements and the assembly of ahead-of-time modules. Numerics of prefetching kernels
// are covered by the AOT and zoo compile tests, whose ResNet 1x1 and 1x1/2 layers use it.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "backend/halide/conv2d_kernel.h"
#include "tests/scratch_dir.h"

namespace kiln::halide {
namespace {

const Halide::Target kAvx512("x86-64-linux-avx-avx2-avx512-avx512_skylake-fma-f16c-sse41");
const Halide::Target kAvx2("x86-64-linux-avx-avx2-fma-f16c-sse41");

Conv2dSpec pointwise(int c, int hw, int k, int stride, bool residual = false) {
  Conv2dSpec s;
  s.c = c;
  s.h = s.w = hw;
  s.k = k;
  s.sh = s.sw = stride;
  s.has_bias = true;
  s.has_residual = residual;
  s.activation = Activation::kRelu;
  return s;
}

std::string compiled(const Conv2dSpec& spec, Halide::OutputFileType type,
                     const Halide::Target& target = kAvx512) {
  const testing::ScratchDir dir("kiln-prefetch-test-");
  const std::string path = dir.file("kernel.txt");
  compile_conv2d_module(spec, target, "kernel").compile({{type, path}});
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string stmt(const Conv2dSpec& spec, const Halide::Target& target = kAvx512) {
  return compiled(spec, Halide::OutputFileType::stmt, target);
}

std::string assembly(const Conv2dSpec& spec, const Halide::Target& target = kAvx512) {
  return compiled(spec, Halide::OutputFileType::assembly, target);
}

// Halide makes the names of a process's later pipelines unique ("conv2d_output$2"); "$" in a
// pattern stands for that optional suffix.
int count(const std::string& text, std::string pattern) {
  const std::string suffix = "(\\$[0-9]+)?";
  for (size_t at = pattern.find('$'); at != std::string::npos;
       at = pattern.find('$', at + suffix.size())) {
    pattern.replace(at, 1, suffix);
  }
  const std::regex re(pattern);
  return static_cast<int>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

TEST(PrefetchNextChannelBlock, PrefetchesEachPixelLineOfTheNextBlock) {
  // 2x14 tile: 14 pixels broadcast per step, one line each.
  EXPECT_EQ(count(stmt(pointwise(256, 56, 64, 1)), "prefetch\\(input$,"), 14);
}

TEST(PrefetchNextChannelBlock, PrefetchesIntoEveryCacheLevelOneBlockAhead) {
  // The next block is a 56x56 plane of 16 floats further: 200704 bytes; the 14th pixel is 13
  // lines after the first.
  const std::string s = assembly(pointwise(256, 56, 64, 1));
  EXPECT_EQ(count(s, "\\bprefetchnta\\s"), 0);
  EXPECT_GE(count(s, "prefetcht0\\s+200704\\(%r[a-z0-9]+,"), 1) << s;
  EXPECT_GE(count(s, "prefetcht0\\s+201536\\(%r[a-z0-9]+,"), 1);
}

TEST(PrefetchNextChannelBlock, StridedPixelsGetOneLineEach) {
  EXPECT_EQ(count(stmt(pointwise(256, 56, 512, 2)), "prefetch\\(input$,"), 4);  // 4x4 tile
}

TEST(PrefetchNextChannelBlock, ExpandingConvsDoNotPrefetchTheirInput) {
  EXPECT_EQ(count(stmt(pointwise(64, 56, 256, 1)), "prefetch\\(input$,"), 0);
}

TEST(PrefetchNextChannelBlock, AvxTwoKernelsPrefetchOneLinePerTwoPixels) {
  // 8-lane blocks: a pixel is half a line, so a 2x6 tile's 6 pixels need 3 lines, 64 bytes
  // apart from the next block's start (56 * 56 * 8 floats = 100352 bytes on).
  const std::string s = assembly(pointwise(256, 56, 64, 1), kAvx2);
  for (const char* line : {"100352", "100416", "100480"}) {
    EXPECT_GE(count(s, std::string("prefetcht0\\s+") + line + "\\("), 1) << line << "\n" << s;
  }
  EXPECT_EQ(count(s, "prefetcht0\\s+100384\\("), 0) << "a prefetch per pixel, not per line";
}

TEST(PrefetchTileEpilogue, PrefetchesEachResidualLineOfTheTileBeforeItsReduction) {
  // 2x14 tile: two channel blocks of 14 pixels, one line each, issued at the top of the tile
  // loop, before the reduction that hides their latency.
  const std::string s = stmt(pointwise(64, 56, 256, 1, true));
  EXPECT_EQ(count(s, "prefetch\\(residual$,"), 28) << s;
  const std::regex order(R"(for \(conv2d_output(\$[0-9]+)?\.s0\.x\.xo,[^\n]*\n(\s*let [^\n]*\n)*)"
                         R"(\s*\(float32\)prefetch\(residual)");
  EXPECT_TRUE(std::regex_search(s, order)) << s;
}

TEST(PrefetchTileEpilogue, AvxTwoTilesPrefetchOneLinePerTwoPixels) {
  const Conv2dPipeline p = build_conv2d(pointwise(64, 56, 256, 1, true), kAvx2);
  // Three 8-lane channel blocks of 4 pixels: 32 floats, two lines, per block.
  ASSERT_EQ(p.schedule, "avx2 rows2 tile 3x4");
  EXPECT_EQ(count(stmt(pointwise(64, 56, 256, 1, true), kAvx2), "prefetch\\(residual$,"), 6);
}

TEST(PrefetchTileEpilogue, OnlyRowTasksWithAResidualPrefetchIt) {
  EXPECT_EQ(count(stmt(pointwise(64, 56, 256, 1)), "prefetch\\("), 0);
  // 7x7 outputs take whole-image tasks, whose epilogue runs row by row after the reduction.
  EXPECT_EQ(count(stmt(pointwise(512, 7, 2048, 1, true)), "prefetch\\(residual$,"), 0);
}

TEST(PrefetchWeightsAhead, SpreadsTheLinesOfTheBlockAfterNextOverTheRows) {
  // 7x7 2048->512: whole-image tasks, 2x7 tile. A channel step (4 channels) loads 4 lines of
  // each of its 2 weight streams; each is prefetched two blocks (2 * 16 * 16 floats) on, in
  // one of the 7 rows.
  const std::string s = stmt(pointwise(2048, 7, 512, 1));
  EXPECT_EQ(count(s, "prefetch\\(weights$,"), 8) << s;
  EXPECT_EQ(count(s, "prefetch\\(weights$,[^\n]*\\+ 512,"), 1) << s;
  for (int row = 0; row < 7; ++row) {
    const std::string guard = "if \\(conv$\\.s1\\.y == " + std::to_string(row) + "\\)";
    EXPECT_EQ(count(s, guard), row == 0 ? 2 : 1) << guard;
  }
}

TEST(PrefetchWeightsAhead, OnlyWholeImageTasks) {
  EXPECT_EQ(count(stmt(pointwise(256, 56, 64, 1)), "prefetch\\(weights$,"), 0);  // rows
}

TEST(PrefetchWeightsAhead, WholeImageWindowsOnAvx512Only) {
  // 7x7 3x3 512->512, padded: each of the three kx copies of a channel step loads 4 lines of
  // each of its 2 weight streams, and each ky runs them again; the row loop is found despite
  // the vertical padding. Each line's turn is one of the 7 rows (so the lines whose turn falls
  // on a padded row's missing ky go unprefetched: ~1 in 8).
  Conv2dSpec late_3x3 = pointwise(512, 7, 512, 1);
  late_3x3.kh = late_3x3.kw = 3;
  late_3x3.pad_top = late_3x3.pad_left = late_3x3.pad_bottom = late_3x3.pad_right = 1;
  const std::string s = stmt(late_3x3);
  EXPECT_EQ(count(s, "prefetch\\(weights$,"), 24) << s;
  for (int row = 0; row < 7; ++row) {
    const std::string guard = "if \\(conv$\\.s1\\.y == " + std::to_string(row) + "\\)";
    EXPECT_EQ(count(s, guard), row == 0 ? 6 : 3) << guard;
  }
  // AVX2's 3x3s ran no faster with them.
  EXPECT_EQ(count(stmt(late_3x3, kAvx2), "prefetch\\("), 0);
}

TEST(PrefetchNextTileWeights, SpreadsTheNextTilesLinesOverTheBlocksOfEveryRow) {
  // 14x14 1024->256: row tasks over all 14 rows, 2x14 tile. The next tile's weights (2 * 16 *
  // 1024 floats, 2048 lines) over 14 rows x 64 blocks: 3 lines per block, at its top.
  const Conv2dPipeline p = build_conv2d(pointwise(1024, 14, 256, 1), kAvx512);
  ASSERT_EQ(p.schedule, "avx512 rows14 tile 2x14 prefetch prefetch-next-tile");
  EXPECT_EQ(p.next_tile_weight_elements, 2 * 16 * 1024);
  const std::string s = stmt(pointwise(1024, 14, 256, 1));
  EXPECT_EQ(count(s, "prefetch\\(weights$,"), 3) << s;
  EXPECT_EQ(count(s, "prefetch\\(weights$,[^\n]*min\\("), 3) << s;
  // In terms of the task, row and block only: a let of the block's offset left in would move
  // every block's lines by that offset.
  EXPECT_EQ(count(s, "prefetch\\(weights$,[^\n]*\\bt[0-9]+"), 0) << s;
  EXPECT_EQ(count(s, "prefetch\\(weights$,[^\n]*row_tile\\.task"), 3) << s;
  // The next tile (32768 floats on) from its first line, three lines per block: lines 3n, 3n+1,
  // 3n+2 of the 2048, clamped to the tile's last.
  EXPECT_EQ(count(s, "prefetch\\(weights$,[^\n]*\\+ 32768, 1, 1\\)"), 1) << s;
  EXPECT_EQ(count(s, "prefetch\\(weights$,[^\n]*\\+ 32784, 1, 1\\)"), 1) << s;
  EXPECT_EQ(count(s, "prefetch\\(weights$,[^\n]*\\+ 32800, 1, 1\\)"), 1) << s;
  EXPECT_EQ(count(s, "prefetch\\(weights$,[^\n]*, 2047\\)"), 1) << s;
  // In the block loop (with the input's next-block prefetches), not in the channel step.
  for (size_t at = s.find("prefetch(weights"); at != std::string::npos;
       at = s.find("prefetch(weights", at + 1)) {
    const size_t loop = s.rfind("for (", at);
    ASSERT_NE(loop, std::string::npos);
    const std::string name = s.substr(loop + 5, s.find(',', loop) - loop - 5);
    EXPECT_TRUE(name.size() >= 7 && name.compare(name.size() - 7, 7, ".s1.r$y") == 0) << name;
  }
}

TEST(PrefetchNextTileWeights, AddsNoVectorSpills) {
  // In the channel step the prefetch made LLVM spill accumulators of the 2x14 tile.
  Conv2dPipeline with = build_conv2d(pointwise(1024, 14, 256, 1), kAvx512);
  ASSERT_GT(with.next_tile_weight_elements, 0);
  Conv2dPipeline without = build_conv2d(pointwise(1024, 14, 256, 1), kAvx512);
  without.next_tile_weight_elements = 0;
  auto spills = [](const Conv2dPipeline& p) {
    const testing::ScratchDir dir("kiln-prefetch-test-");
    const std::string path = dir.file("kernel.s");
    conv2d_module(p, kAvx512, "kernel").compile({{Halide::OutputFileType::assembly, path}});
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return count(text.str(), "64-byte Spill");
  };
  EXPECT_LE(spills(with), spills(without));
}

TEST(PrefetchNextTileWeights, OnlyRowTasksOverEveryRow) {
  const Conv2dPipeline rows2 = build_conv2d(pointwise(256, 56, 64, 1), kAvx512);
  const Conv2dPipeline image = build_conv2d(pointwise(2048, 7, 512, 1), kAvx512);
  EXPECT_EQ(rows2.next_tile_weight_elements, 0);
  EXPECT_EQ(image.next_tile_weight_elements, 0);
  EXPECT_EQ(count(stmt(pointwise(256, 56, 64, 1)), "prefetch\\(weights$,"), 0);
}

TEST(Prefetch, OtherArchitecturesGoWithout) {
  const Halide::Target arm("arm-64-linux");
  const Conv2dPipeline p = build_conv2d(pointwise(256, 56, 64, 1), arm);
  ASSERT_TRUE(p.prefetch_next_block);  // the schedule asks; the x86-64 code cannot be linked
  const Halide::Module m = conv2d_module(p, arm, "kernel");
  EXPECT_TRUE(m.external_code().empty());
  EXPECT_EQ(count(stmt(pointwise(256, 56, 64, 1), arm), "prefetch\\("), 0);
}

}  // namespace
}  // namespace kiln::halide
