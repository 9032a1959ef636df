#include "runtime/cpu_features.h"

#include <gtest/gtest.h>

#include "Halide.h"

namespace kiln::rt {
namespace {

TEST(CpuFeatures, ListsWhatTheCpuLacksOnce) {
  const auto has_only_avx2 = [](const std::string& f) {
    return f == "avx2" || f == "avx" || f == "fma";
  };
  EXPECT_EQ(missing_cpu_features("x86-64-linux-avx-avx2-fma-sse41-no_runtime", has_only_avx2),
            (std::vector<std::string>{"sse4.1"}));
  EXPECT_EQ(missing_cpu_features("x86-64-linux-avx512-avx512_skylake", has_only_avx2),
            (std::vector<std::string>{"avx512f", "avx512cd", "avx512vl", "avx512bw", "avx512dq"}));
}

TEST(CpuFeatures, IgnoresNonCpuFeatures) {
  const auto has_nothing = [](const std::string&) { return false; };
  EXPECT_TRUE(missing_cpu_features("x86-64-linux-no_asserts-no_runtime", has_nothing).empty());
}

TEST(CpuFeatures, HostTargetRunsHere) {
  EXPECT_NO_THROW(check_cpu_supports(Halide::get_host_target().to_string(), "model"));
  EXPECT_TRUE(missing_cpu_features(Halide::get_host_target().to_string(), host_cpu_has).empty());
  EXPECT_FALSE(host_cpu_has("no-such-flag"));
}

TEST(CpuFeatures, OtherArchitectureIsRejected) {
  try {
    check_cpu_supports("arm-64-linux-arm_dot_prod", "dir/libkiln_model.so");
    FAIL();
  } catch (const CpuMismatch& e) {
    EXPECT_EQ(std::string(e.what()),
              "dir/libkiln_model.so was compiled for arm-64-linux-arm_dot_prod, but "
              "this machine is " +
                  host_target_prefix());
  }
}

TEST(CpuFeatures, MissingFeatureMessageSaysWhatToDo) {
  if (host_cpu_has("avx512er")) GTEST_SKIP() << "this CPU is a Xeon Phi";
  try {
    check_cpu_supports("x86-64-linux-avx512_knl", "m");
    FAIL();
  } catch (const CpuMismatch& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("m needs CPU features this machine lacks: avx512er"), std::string::npos)
        << msg;
    EXPECT_NE(msg.find("recompile"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace kiln::rt
