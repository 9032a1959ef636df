// Command-line handling: help everywhere, and every parse error (unknown
// flag, invalid value, conflicting flags) is a usage error with status 2.
#include <gtest/gtest.h>

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
