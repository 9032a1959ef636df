// `kiln bench` end to end on a small handwritten model, run as a user runs
// it. Kernels are cached in a test-local directory under the build tree, so
// only the first run of the suite compiles them. Most cases state the peak
// with --peak-gflops: measuring it is covered once, and would otherwise cost
// up to two seconds a case on a busy machine (a busy machine's figure is not
// cached).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

// The driver tests' subprocess helper, compiled into this binary too: a test
// area is one directory's sources, and the helper is not a library.
#include "tests/driver/kiln_process.cpp"

namespace kiln::testing {
namespace {

using Json = nlohmann::json;

// conv + relu + pool + flatten + dense + softmax on a 32x32 image.
constexpr const char* kBenchNet = R"(graph @benchnet {
  %data = input() : f32[1,3,32,32]
  %conv1.weight = weight() : f32[16,3,3,3]
  %conv1.bias = weight() : f32[16]
  %conv1 = conv2d(%data, %conv1.weight, %conv1.bias) {kernel = [3, 3], stride = [1, 1], pad = [1, 1, 1, 1]} : f32[1,16,32,32]
  %relu1 = relu(%conv1) : f32[1,16,32,32]
  %pool1 = max_pool2d(%relu1) {kernel = [2, 2], stride = [2, 2], pad = [0, 0, 0, 0]} : f32[1,16,16,16]
  %flat = flatten(%pool1) : f32[1,4096]
  %fc.weight = weight() : f32[10,4096]
  %fc.bias = weight() : f32[10]
  %fc = dense(%flat, %fc.weight, %fc.bias) : f32[1,10]
  %prob = softmax(%fc) : f32[1,10]
  output %prob
}
)";

// The nodes that do work; %flat is a view of %pool1 and gets no kernel.
const std::set<std::string> kComputeNodes = {"conv1", "relu1", "pool1", "fc", "prob"};

const std::string kCacheDir = KILN_BINARY_DIR "/bench-test-cache";

class BenchTest : public ::testing::Test {
 protected:
  // `kiln bench <model> args...` with the test-local cache and short runs.
  KilnResult bench(std::vector<std::string> args, const std::string& model = "") {
    args.insert(args.begin(), {"bench", model.empty() ? net_ : model, "--cache-dir", kCacheDir});
    return run_kiln(args);
  }

  Json bench_json(std::vector<std::string> args) {
    std::string file = dir_.file("out.json");
    args.insert(args.end(), {"--json", file});
    KilnResult r = bench(args);
    EXPECT_EQ(r.status, 0) << r.err;
    return Json::parse(read_file(file), nullptr, /*allow_exceptions=*/false);
  }

  ScratchDir dir_;
  std::string net_ = dir_.write("benchnet.kir", kBenchNet);
};

TEST_F(BenchTest, JsonHasLatencyPeakAndLayers) {
  Json j = bench_json({"--runs", "3", "--warmup", "1", "--peak-gflops", "100"});
  ASSERT_TRUE(j.is_object());
  for (const char* key : {"median_ms", "min_ms", "p90_ms", "threads", "batch", "peak_gflops",
                          "samples_ms", "layers", "model_flops", "other_load", "clock_ghz"})
    EXPECT_TRUE(j.contains(key)) << key;
  double min = j["min_ms"], median = j["median_ms"], p90 = j["p90_ms"];
  EXPECT_GT(min, 0);
  EXPECT_LE(min, median);
  EXPECT_LE(median, p90);
  EXPECT_EQ(j["samples_ms"].size(), 3u);
  EXPECT_GE(j["other_load"].get<double>(), 0);
  EXPECT_LE(j["other_load"].get<double>(), 1);
  EXPECT_EQ(j["runs"], 3);
  EXPECT_EQ(j["batch"], 1);
  EXPECT_GE(j["threads"].get<int>(), 1);
  EXPECT_DOUBLE_EQ(j["peak_gflops"].get<double>(), 100.0);
  EXPECT_GT(j["clock_ghz"].get<double>(), 0.1);  // a real clock, in GHz
  EXPECT_LT(j["clock_ghz"].get<double>(), 10.0);
  // The microkernel before and after the runs, and their mean.
  const Json& around = j["peak_now_before_after"];
  ASSERT_EQ(around.size(), 2u);
  EXPECT_GT(around[0].get<double>(), 0.1);
  EXPECT_GT(around[1].get<double>(), 0.1);
  EXPECT_DOUBLE_EQ(j["peak_now_gflops"].get<double>(),
                   (around[0].get<double>() + around[1].get<double>()) / 2);
  // conv 2*16*32*32*27 + dense 2*10*4096 multiply-adds' worth of flops, at least.
  EXPECT_GE(j["model_flops"].get<double>(), 2.0 * 16 * 32 * 32 * 27 + 2.0 * 10 * 4096);
}

// A conv kernel's inner loop timed around the runs, as a share of the microkernel timed with it,
// against the best share seen on this machine: the figure that tells a host slowed by other
// work from slow kernels. A test-local cache: other cases run at the same time.
TEST_F(BenchTest, ConvLoopAroundTheRunsAgainstItsBest) {
  const ScratchDir cache;
  auto run = [&](const std::string& name) {
    const std::string file = cache.file(name);
    const KilnResult r = run_kiln({"bench", net_, "--cache-dir", cache.path(), "--runs", "2",
                                   "--warmup", "0", "--peak-gflops", "100", "--json", file});
    EXPECT_EQ(r.status, 0) << r.err;
    return Json::parse(read_file(file), nullptr, /*allow_exceptions=*/false);
  };
  const Json j = run("a.json");
  ASSERT_TRUE(j.contains("conv_loop")) << j.dump();
  const Json& c = j["conv_loop"];
  const double now = c["gflops_now"].get<double>();
  if (now == 0) GTEST_SKIP() << "no vector FMA on this host";
  const Json& around = c["before_after"];
  ASSERT_EQ(around.size(), 2u);
  EXPECT_DOUBLE_EQ(now, (around[0].get<double>() + around[1].get<double>()) / 2);
  const double share = c["percent_of_peak_now"].get<double>();
  EXPECT_NEAR(share, 100 * now / j["peak_now_gflops"].get<double>(), 1e-9);
  // The first run is the best so far; the best is kept beside the kernels, never lowered.
  const double best = c["best_percent_of_peak_now"].get<double>();
  EXPECT_DOUBLE_EQ(best, share);
  const std::string file = c["cache_file"].get<std::string>();
  EXPECT_EQ(file.rfind(cache.path() + "/machine-peak/", 0), 0u) << file;
  const Json again = run("b.json");
  EXPECT_GE(again["conv_loop"]["best_percent_of_peak_now"].get<double>(), best);
}

// A best share far above this run's reads as a host slowed by other work; --remeasure-peak
// forgets it.
TEST_F(BenchTest, ConvLoopBelowItsBestIsExplained) {
  const ScratchDir cache;
  auto bench_in_cache = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"bench", net_,       "--cache-dir", cache.path(),    "--runs",
                                     "2",     "--warmup", "0",           "--peak-gflops", "100"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_kiln(args);
  };
  KilnResult r = bench_in_cache({"--json", cache.file("a.json")});
  ASSERT_EQ(r.status, 0) << r.err;
  const Json a = Json::parse(read_file(cache.file("a.json")), nullptr, false);
  if (a["conv_loop"]["gflops_now"].get<double>() == 0) GTEST_SKIP() << "no vector FMA";
  const std::string file = a["conv_loop"]["cache_file"].get<std::string>();
  ASSERT_FALSE(file.empty());
  std::ofstream(file) << R"({"best_share": 5.0})"
                      << "\n";
  r = bench_in_cache({});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::regex line(
      "conv-like loop \\(a register tile with its loads\\) around the runs: [0-9.]+ GFLOP/s "
      "\\([0-9.]+ before, [0-9.]+ after\\), [0-9]+% of the microkernel \\(at best 500% on this "
      "machine\\): other work on the host is slowing loads");
  EXPECT_TRUE(std::regex_search(r.out, line)) << r.out;
  EXPECT_NE(read_file(file).find("5.0"), std::string::npos);  // the best stays
  // A damaged record is no record, not an error.
  std::ofstream(file) << R"({"best_share": "high"})"
                      << "\n";
  r = bench_in_cache({"--json", cache.file("b.json")});
  ASSERT_EQ(r.status, 0) << r.err;
  const Json b = Json::parse(read_file(cache.file("b.json")), nullptr, false);
  EXPECT_DOUBLE_EQ(b["conv_loop"]["best_percent_of_peak_now"].get<double>(),
                   b["conv_loop"]["percent_of_peak_now"].get<double>());
  std::ofstream(file) << R"({"best_share": 5.0})"
                      << "\n";
  r = run_kiln({"bench", net_, "--cache-dir", cache.path(), "--runs", "2", "--warmup", "0",
                "--remeasure-peak", "--json", cache.file("c.json")});
  ASSERT_EQ(r.status, 0) << r.err;
  const Json c = Json::parse(read_file(cache.file("c.json")), nullptr, false);
  EXPECT_LT(c["conv_loop"]["best_percent_of_peak_now"].get<double>(), 500);
}

TEST_F(BenchTest, LayerRowsCoverTheModel) {
  Json j = bench_json({"--runs", "2", "--warmup", "0", "--peak-gflops", "100"});
  ASSERT_TRUE(j["layers"].is_array());
  std::set<std::string> covered;
  std::set<std::string> ops;
  for (const Json& row : j["layers"]) {
    for (const char* key : {"op", "description", "shapes", "median_ms", "gflops", "percent_of_peak",
                            "share", "wait_percent"})
      EXPECT_TRUE(row.contains(key)) << key;
    EXPECT_GE(row["median_ms"].get<double>(), 0);
    EXPECT_GE(row["wait_percent"].get<double>(), 0);
    // Convs (direct and Winograd) name what their schedule chose; the other kernels do not
    // describe theirs.
    if (row["op"] == "conv2d" || row["op"] == "winograd_conv2d")
      EXPECT_NE(row["schedule"].get<std::string>().find(" tile "), std::string::npos) << row;
    else
      EXPECT_EQ(row["schedule"], "") << row;
    EXPECT_LT(row["wait_percent"].get<double>(), 100);
    for (const Json& layer : row["layers"]) covered.insert(layer.get<std::string>());
    ops.insert(row["op"].get<std::string>());
  }
  for (const std::string& node : kComputeNodes) EXPECT_TRUE(covered.count(node)) << node;
  EXPECT_TRUE(ops.count("conv2d"));
  EXPECT_TRUE(ops.count("dense"));
}

// The kinds partition the layer rows: every call once, times and flops summed, efficiency
// flop-weighted; the conv is "conv2d 3x3", the rest go by op.
TEST_F(BenchTest, KindsSumTheLayerRows) {
  Json j = bench_json({"--runs", "2", "--warmup", "0", "--peak-gflops", "100"});
  ASSERT_TRUE(j["kinds"].is_array());
  std::map<std::string, Json> kinds;
  int calls = 0;
  double ms = 0, share = 0;
  for (const Json& k : j["kinds"]) {
    kinds[k["kind"].get<std::string>()] = k;
    calls += k["calls"].get<int>();
    ms += k["ms"].get<double>();
    share += k["share"].get<double>();
  }
  EXPECT_EQ(calls, static_cast<int>(j["layers"].size()));
  double layer_ms = 0;
  for (const Json& row : j["layers"]) layer_ms += row["median_ms"].get<double>();
  EXPECT_NEAR(ms, layer_ms, 1e-9 + 1e-9 * layer_ms);
  EXPECT_NEAR(share, 100.0, 1e-6);
  ASSERT_TRUE(kinds.count("conv2d 3x3")) << j["kinds"].dump();
  const Json& conv = kinds["conv2d 3x3"];
  EXPECT_EQ(conv["calls"], 1);
  EXPECT_DOUBLE_EQ(conv["flops"].get<double>(), 2.0 * 16 * 32 * 32 * 27);
  const double gflops = conv["flops"].get<double>() / conv["ms"].get<double>() * 1e-6;
  EXPECT_NEAR(conv["gflops"].get<double>(), gflops, 1e-9 * gflops);
  EXPECT_NEAR(conv["percent_of_peak"].get<double>(), gflops, 1e-9 * gflops);  // of 100 GFLOP/s
  const double now = j["peak_now_gflops"].get<double>();
  EXPECT_NEAR(conv["percent_of_peak_now"].get<double>(), 100 * gflops / now, 1e-9 * gflops);
  for (const Json& row : j["layers"]) {
    EXPECT_NEAR(row["percent_of_peak_now"].get<double>(), 100 * row["gflops"].get<double>() / now,
                1e-9 * row["gflops"].get<double>());
  }
  EXPECT_TRUE(kinds.count("dense"));
  EXPECT_TRUE(kinds.count("softmax"));
}

TEST_F(BenchTest, PerLayerTableAndMeasuredPeak) {
  KilnResult r = bench({"--runs", "2", "--warmup", "0", "--per-layer", "--threads", "1"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("median"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("p90"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("machine peak:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("microkernel"), std::string::npos) << r.out;
  // The clock now, beside the one the (measured or cached) peak was taken at.
  const std::regex clock(
      "clock after the timed runs: [0-9]+\\.[0-9]{2} GHz(, [0-9]+% (below|above) the |"
      " \\(the peak's: )[0-9]+\\.[0-9]{2} GHz");
  EXPECT_TRUE(std::regex_search(r.out, clock)) << r.out;
  const std::regex around(
      "microkernel around the runs: [0-9.]+ GFLOP/s \\([0-9.]+ before, [0-9.]+ after\\), "
      "[0-9]+% of the peak");
  EXPECT_TRUE(std::regex_search(r.out, around)) << r.out;
  // The by-kind table's header, with the column of the microkernel around the runs.
  EXPECT_TRUE(std::regex_search(r.out, std::regex("kind +calls +ms +share +GFLOP/s +%peak +%now")))
      << r.out;
  for (const char* column : {"ms/call", "GFLOP/s", "%peak", "share", "layers"})
    EXPECT_NE(r.out.find(column), std::string::npos) << column;
  EXPECT_NE(r.out.find("conv2d 3x3/1 3->16"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1x16x32x32"), std::string::npos) << r.out;  // shapes
  const size_t kinds = r.out.find("by kind (flop-weighted):");
  ASSERT_NE(kinds, std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(r.out.substr(kinds), std::regex("\nconv2d 3x3 +1 "))) << r.out;
  // Progress of the compile step goes to stderr.
  EXPECT_NE(r.err.find("conv2d"), std::string::npos) << r.err;
}

// With two threads the per-layer table says how long the threads waited at the end of each
// kernel's parallel loops; one thread never waits, and the column is left out.
TEST_F(BenchTest, PerLayerWaitAtTwoThreads) {
  KilnResult two = bench(
      {"--runs", "2", "--warmup", "0", "--per-layer", "--threads", "2", "--peak-gflops", "100"});
  ASSERT_EQ(two.status, 0) << two.err;
  EXPECT_TRUE(std::regex_search(two.out, std::regex("share +wait +schedule +layers"))) << two.out;
  EXPECT_NE(two.out.find("wait: the share of the threads' time idle"), std::string::npos);
  KilnResult one = bench(
      {"--runs", "2", "--warmup", "0", "--per-layer", "--threads", "1", "--peak-gflops", "100"});
  ASSERT_EQ(one.status, 0) << one.err;
  EXPECT_TRUE(std::regex_search(one.out, std::regex("share +schedule +layers"))) << one.out;
  Json j = bench_json({"--runs", "2", "--warmup", "0", "--threads", "1", "--peak-gflops", "100"});
  for (const Json& row : j["layers"]) EXPECT_EQ(row["wait_percent"].get<double>(), 0) << row;
}

TEST_F(BenchTest, HtmlIsOneSelfContainedPage) {
  std::string file = dir_.file("report.html");
  KilnResult r = bench({"--runs", "2", "--warmup", "0", "--peak-gflops", "100", "--html", file});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string html = read_file(file);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_NE(html.find("conv2d"), std::string::npos);
  EXPECT_NE(html.find("<tr><td>conv2d 3x3</td><td>1</td>"), std::string::npos) << html;
  EXPECT_NE(html.find("<th>% peak</th><th>% now</th>"), std::string::npos) << html;
  EXPECT_NE(html.find("<th>share</th><th>wait</th><th>schedule</th><th>layers</th>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("microkernel around the runs"), std::string::npos) << html;
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));  // no external assets
}

TEST_F(BenchTest, JsonToStdoutKeepsTheTextOnStderr) {
  KilnResult r = bench({"--runs", "1", "--threads", "1", "--peak-gflops", "100", "--json", "-"});
  ASSERT_EQ(r.status, 0) << r.err;
  Json j = Json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["threads"], 1);
  EXPECT_NE(r.err.find("median"), std::string::npos) << r.err;
}

TEST_F(BenchTest, BatchOption) {
  Json j = bench_json({"--runs", "1", "--warmup", "0", "--batch", "2", "--peak-gflops", "100"});
  EXPECT_EQ(j["batch"], 2);
}

TEST_F(BenchTest, ArtifactDirectory) {
  std::string out = dir_.file("artifact");
  KilnResult c = run_kiln({"compile", net_, "-o", out, "--cache-dir", kCacheDir});
  ASSERT_EQ(c.status, 0) << c.err;
  KilnResult r = bench({"--runs", "2", "--warmup", "0", "--peak-gflops", "100"}, out);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("median"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("compiled"), std::string::npos) << r.out;
  // A compiled artifact's batch is fixed.
  KilnResult batch = bench({"--batch", "4"}, out);
  EXPECT_EQ(batch.status, 2);
  EXPECT_NE(batch.err.find("--batch"), std::string::npos) << batch.err;
}

// Winograd kernels are counted at their direct convolution's flops, so the whole-model GFLOP/s
// can pass 100% of peak: the summary says so, not only the per-layer table.
TEST_F(BenchTest, SummarySaysWinogradFlopsAreDirectEquivalent) {
  KilnResult w =
      bench({"--runs", "1", "--warmup", "0", "--peak-gflops", "100", "--conv-algorithm=winograd"});
  ASSERT_EQ(w.status, 0) << w.err;
  EXPECT_TRUE(std::regex_search(
      w.out, std::regex("throughput: [^\\n]*% of peak\\)\n  1 of the kernels is a Winograd "
                        "convolution, counted at the direct convolution's flops")))
      << w.out;
  KilnResult d =
      bench({"--runs", "1", "--warmup", "0", "--peak-gflops", "100", "--conv-algorithm=direct"});
  ASSERT_EQ(d.status, 0) << d.err;
  EXPECT_EQ(d.out.find("Winograd"), std::string::npos) << d.out;
}

// Checked before compiling and measuring: a bad destination used to fail only at the end.
TEST_F(BenchTest, ReportFilesAreCheckedFirst) {
  const std::string nowhere = dir_.file("no/such/dir/report");
  for (const std::string option : {"--json", "--html"}) {
    KilnResult r = bench({"--runs", "1", "--peak-gflops", "100", option, nowhere});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find(option + ": cannot write to '" + nowhere + "': no directory '" +
                         dir_.file("no/such/dir") + "'"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.find("[1/"), std::string::npos) << r.err;
  }
}

TEST_F(BenchTest, BadFlagsAreUsageErrors) {
  EXPECT_EQ(bench({"--runs", "0"}).status, 2);
  EXPECT_EQ(bench({"--runs", "x"}).status, 2);
  EXPECT_EQ(bench({"--warmup", "-1"}).status, 2);
  EXPECT_EQ(bench({"--threads", "-2"}).status, 2);
  EXPECT_EQ(bench({"--peak-gflops", "0"}).status, 2);
  EXPECT_EQ(bench({"--no-such-flag"}).status, 2);
  EXPECT_EQ(run_kiln({"bench"}).status, 2);  // no model
}

TEST_F(BenchTest, MissingModelFails) {
  KilnResult r = bench({"--runs", "1"}, dir_.file("missing.kir"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("missing.kir"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace kiln::testing
