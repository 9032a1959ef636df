// The kernel microbenchmarks (bench/conv_bench.cpp) report each kernel against the machine's
// peak, as the issue asks of them: run one short benchmark as a user would and check the
// counters. The peak is measured into a test-local cache, so the user's cache is untouched.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/driver/kiln_process.h"

namespace kiln::testing {
namespace {

using Json = nlohmann::json;

constexpr const char* kBenchConv = KILN_BINARY_DIR "/bench/bench_conv";

TEST(ConvMicrobench, ReportsPercentOfTheMachinePeak) {
  ScratchDir cache;
  const std::string out = cache.file("out.json");
  const KilnResult r =
      run_program(kBenchConv,
                  {"--benchmark_filter=^resnet50/56x56x64_k64_1x1/", "--benchmark_min_time=0.01",
                   "--benchmark_out_format=json", "--benchmark_out=" + out},
                  {{"HL_NUM_THREADS", "1"}, {"XDG_CACHE_HOME", cache.path()}});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("machine peak: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("on 1 thread,"), std::string::npos) << r.out;

  const Json report = Json::parse(read_file(out), nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(report.contains("benchmarks")) << read_file(out);
  ASSERT_EQ(report["benchmarks"].size(), 1u);
  const Json& row = report["benchmarks"][0];
  const double gflops = row["GFLOP/s"].get<double>();
  const double peak_pct = row["peak_pct"].get<double>();
  const double core_peak_pct = row["core_peak_pct"].get<double>();
  EXPECT_GT(gflops, 0);
  // A real kernel on a real core: above nothing, and not above the peak by more than noise.
  EXPECT_GT(peak_pct, 1.0);
  EXPECT_LT(peak_pct, 130.0);
  EXPECT_GT(core_peak_pct, 1.0);
  EXPECT_LT(core_peak_pct, 130.0);

  // The percentages are of the figure it printed (one thread: the same on both counts).
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(machine peak: ([0-9.]+) GFLOP/s)")));
  const double peak = std::stod(m[1]);
  ASSERT_GT(peak, 0);
  EXPECT_NEAR(peak_pct, 100.0 * gflops / peak, 0.01 * peak_pct);

  // Cached like `kiln bench`'s, unless every trial was disturbed (a busy machine's figure is
  // not cached): the next run then reads it back.
  if (r.out.find("measured now") != std::string::npos &&
      std::filesystem::is_directory(cache.path() + "/kiln/machine-peak")) {
    const KilnResult again =
        run_program(kBenchConv, {"--benchmark_filter=^$"},
                    {{"HL_NUM_THREADS", "1"}, {"XDG_CACHE_HOME", cache.path()}});
    ASSERT_EQ(again.status, 0) << again.err;
    EXPECT_NE(again.out.find("cached in " + cache.path() + "/kiln/machine-peak/"),
              std::string::npos)
        << again.out;
  }
}

TEST(ConvMicrobench, UnknownFlagIsAnError) {
  const KilnResult r = run_program(kBenchConv, {"--no-such-flag"});
  EXPECT_NE(r.status, 0);
}

}  // namespace
}  // namespace kiln::testing
