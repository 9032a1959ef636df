// The real zoo through the driver: a bare model name resolves to
// models/<name>.kir and runs end to end (ResNet-18, the smallest residual
// net; seconds on the reference interpreter).
#include <gtest/gtest.h>

#include <regex>

#include "tests/driver/kiln_process.h"
#include "tests/driver/test_models.h"

namespace kiln::testing {
namespace {

TEST(DriverZoo, RunResNet18PrintsTopFive) {
  KilnResult r = run_kiln({"run", "resnet18"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("model @resnet18, batch 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("output %prob (main) f32[1,1000]\n"
                       "  item 0: top-5 classes by probability\n"),
            std::string::npos)
      << r.out;
  std::regex rank(R"(\n +[0-9]+  [0-9]\.[0-9]{6})");
  auto begin = std::sregex_iterator(r.out.begin(), r.out.end(), rank);
  EXPECT_EQ(std::distance(begin, std::sregex_iterator()), 5) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(run: [0-9.]+ ms \(reference\))"))) << r.out;
}

TEST(DriverZoo, BareNameIsTheZooFile) {
  KilnResult r = run_kiln({"dump", "models/resnet18.kir"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(run_kiln({"dump", "resnet18"}).out, r.out);
}

TEST(DriverZoo, KilnModelsDirectoryIsSearchedFirst) {
  ScratchDir dir;
  dir.write("resnet18.kir", kTinyDense);
  KilnResult r = run_kiln({"info", "resnet18"}, {{"KILN_MODELS", dir.path()}});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("model @tiny"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace kiln::testing
