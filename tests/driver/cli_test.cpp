// Command-line handling: help everywhere, and every parse error (unknown
// flag, invalid value, conflicting flags) is a usage error with status 2.
#include <gtest/gtest.h>

#include <regex>

#include "tests/driver/kiln_process.h"
#include "tests/driver/test_models.h"

namespace kiln::testing {
namespace {

class DriverCli : public ::testing::Test {
 protected:
  void SetUp() override { model_ = dir_.write("smallnet.kir", kSmallNet); }

  // Status 2 with CLI11's message (which always names what was wrong).
  void expect_usage_error(const std::vector<std::string>& args, const std::string& mention) {
    KilnResult r = run_kiln(args);
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find(mention), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }

  ScratchDir dir_;
  std::string model_;
};

TEST_F(DriverCli, HelpOfEverySubcommandExitsZero) {
  for (std::string sub : {"", "dump", "run", "info", "ops", "passes"}) {
    std::vector<std::string> args = {"--help"};
    if (!sub.empty()) args.insert(args.begin(), sub);
    KilnResult r = run_kiln(args);
    EXPECT_EQ(r.status, 0) << sub << ": " << r.err;
    EXPECT_NE(r.out.find("Usage: kiln"), std::string::npos) << sub << ": " << r.out;
  }
}

TEST_F(DriverCli, HelpDescribesThePassFlags) {
  KilnResult r = run_kiln({"dump", "--help"});
  for (const char* flag :
       {"--format", "--passes", "-O", "--O0", "--print-after-all", "--print-before",
        "--print-after", "--verify-each", "--stats", "--remarks", "--verify-numerics",
        "--numerics-tolerance", "--keep-outputs", "--weights-out"})
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
}

// compile and `run --backend=halide` optimise unless told otherwise; dump, info, export and the
// reference backend do not. The help used to call -O0 the default everywhere.
TEST_F(DriverCli, HelpStatesEachCommandsDefaultPasses) {
  KilnResult compile = run_kiln({"compile", "--help"});
  EXPECT_NE(compile.out.find("Run the default pipeline (the default; 'kiln passes' shows it)"),
            std::string::npos)
      << compile.out;
  EXPECT_EQ(compile.out.find("Run no passes (the default)"), std::string::npos) << compile.out;
  KilnResult run = run_kiln({"run", "--help"});
  EXPECT_NE(run.out.find("Run the default pipeline (the default with --backend=halide; "),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("Run no passes (the default with --backend=reference)"), std::string::npos)
      << run.out;
  for (std::string sub : {"dump", "info", "export"})
    EXPECT_NE(run_kiln({sub, "--help"}).out.find("Run no passes (the default)"), std::string::npos)
        << sub;
}

TEST_F(DriverCli, HelpNamesWhatMODELMayBe) {
  for (std::string sub : {"run", "bench"})
    EXPECT_NE(run_kiln({sub, "--help"})
                  .out.find("A .kir or .onnx file, a zoo model name such as resnet50, or an "
                            "artifact directory written by 'kiln compile'"),
              std::string::npos)
        << sub;
  for (std::string sub : {"compile", "dump", "info", "export"})
    EXPECT_NE(run_kiln({sub, "--help"})
                  .out.find("A .kir or .onnx file, or a zoo model name such as resnet50"),
              std::string::npos)
        << sub;
}

// The reference interpreter runs no native code: these used to be accepted and ignored.
TEST_F(DriverCli, NativeOnlyFlagsNeedTheHalideBackend) {
  const std::vector<std::vector<std::string>> flags = {{"--threads", "2"},
                                                       {"--profile"},
                                                       {"--scheduler=li2018"},
                                                       {"--jobs", "2"},
                                                       {"--target", "host"},
                                                       {"--conv-algorithm=winograd"},
                                                       {"--cache-dir", dir_.file("cache")}};
  for (const std::vector<std::string>& flag : flags) {
    for (std::vector<std::string> args :
         {std::vector<std::string>{"run", model_}, {"run", model_, "--backend=reference"}}) {
      args.insert(args.end(), flag.begin(), flag.end());
      const std::string name = flag[0].substr(0, flag[0].find('='));
      expect_usage_error(args, "error: " + name + " needs --backend=halide");
    }
  }
}

// The thread count is chosen when an artifact runs; compiling with one changed nothing.
TEST_F(DriverCli, CompileTakesNoThreadCount) {
  expect_usage_error({"compile", model_, "-o", dir_.file("out"), "--threads", "2"}, "--threads");
  EXPECT_EQ(run_kiln({"compile", "--help"}).out.find("--threads"), std::string::npos);
}

TEST_F(DriverCli, MistypedOptionSuggestsTheClosest) {
  expect_usage_error({"run", model_, "--thread", "2"}, "did you mean --threads?");
  expect_usage_error({"dump", model_, "--formt=json"}, "did you mean --format?");
  KilnResult far = run_kiln({"dump", model_, "--frobnicate"});
  EXPECT_EQ(far.status, 2);
  EXPECT_EQ(far.err.find("did you mean"), std::string::npos) << far.err;
}

TEST_F(DriverCli, VersionNamesKilnAndHalide) {
  KilnResult r = run_kiln({"--version"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.out, std::regex("kiln [0-9]+\\.[0-9]+\\.[0-9]+ \\(Halide "
                                                 "[0-9]+\\.[0-9]+\\.[0-9]+\\)\n")))
      << r.out;
}

TEST_F(DriverCli, MissingSubcommandIsAUsageError) {
  expect_usage_error({}, "subcommand");
  expect_usage_error({"frobnicate"}, "frobnicate");
}

TEST_F(DriverCli, UnknownFlagExitsTwo) {
  expect_usage_error({"dump", model_, "--bogus"}, "--bogus");
  expect_usage_error({"info", model_, "--format=json"}, "--format");
}

TEST_F(DriverCli, InvalidValuesExitTwo) {
  expect_usage_error({"run", model_, "--batch", "0"}, "--batch");
  expect_usage_error({"info", model_, "--batch=-3"}, "--batch");
  expect_usage_error({"dump", model_, "--batch", "two"}, "--batch");
  expect_usage_error({"dump", model_, "--format=xml"}, "--format");
  expect_usage_error({"run", model_, "--backend=tvm"}, "--backend");
  expect_usage_error({"run", model_, "--threads", "-1"}, "--threads");
  expect_usage_error({"run", model_, "--input", "data.npy"}, "NAME=FILE");
  expect_usage_error({"run", model_, "--seed", "-1"}, "--seed");
  expect_usage_error({"run", model_, "--seed", "18446744073709551616"}, "--seed");
  expect_usage_error({"ops", "frobnicate"}, "frobnicate");
}

TEST_F(DriverCli, BadPassFlagsExitTwo) {
  expect_usage_error({"dump", model_, "--passes=fold-bn,nope"}, "nope");
  expect_usage_error({"dump", model_, "--print-after=nope"}, "nope");
  expect_usage_error({"dump", model_, "-O", "--passes=dce"}, "excludes");
  expect_usage_error({"dump", model_, "-O", "-O0"}, "excludes");
  expect_usage_error({"run", model_, "--numerics-tolerance=0.1"}, "--verify-numerics");
  expect_usage_error({"run", model_, "--verify-numerics", "--numerics-tolerance=0"},
                     "--numerics-tolerance");
}

// CLI11's PositiveNumber let NaN through (no comparison with it fails) and printed DBL_MAX in
// all its digits when rejecting 0.
TEST_F(DriverCli, FloatFlagsMustBeFinitePositiveNumbers) {
  for (const char* value : {"nan", "inf", "0", "1e999", "2x"}) {
    SCOPED_TRACE(value);
    expect_usage_error({"run", model_, "--verify-numerics", "--numerics-tolerance", value},
                       std::string("--numerics-tolerance: expected a finite number greater than "
                                   "0, got '") +
                           value + "'");
    expect_usage_error({"bench", model_, "--peak-gflops", value},
                       std::string("--peak-gflops: expected a finite number greater than 0"));
    EXPECT_EQ(run_kiln({"bench", model_, "--peak-gflops", value}).err.find("17976931348623"),
              std::string::npos);
  }
}

TEST_F(DriverCli, TargetsForAnotherPlatformAreRefusedUpFront) {
  for (const char* target : {"arm-64-linux", "x86-32-linux", "x86-64-windows"}) {
    SCOPED_TRACE(target);
    expect_usage_error({"compile", model_, "-o", dir_.file("never"), "--target", target},
                       std::string("--target: target '") + target + "' is for another platform");
  }
}

TEST_F(DriverCli, MissingModelArgumentExitsTwo) {
  expect_usage_error({"dump"}, "MODEL");
  expect_usage_error({"run", "--batch", "2"}, "MODEL");
}

TEST_F(DriverCli, OptLevelZeroRunsNoPasses) {
  KilnResult plain = run_kiln({"dump", model_});
  KilnResult o0 = run_kiln({"dump", "-O0", model_});
  ASSERT_EQ(o0.status, 0) << o0.err;
  EXPECT_EQ(o0.out, plain.out);
  // -O before the positional must not swallow it as a value.
  KilnResult o1 = run_kiln({"dump", "-O", model_});
  ASSERT_EQ(o1.status, 0) << o1.err;
  EXPECT_NE(o1.out, plain.out);
}

}  // namespace
}  // namespace kiln::testing
