// FileCheck-style golden tests: every tests/passes/golden/*.kir is one case.
//
//   # RUN: fold-bn,dce                 the pipeline (required)
//   # KEEP-OUTPUTS: aux1.fc            optional, comma-separated
//   # REMARK: fold-bn: kept %bn2: ...  optional, repeatable: a remark that
//                                      must appear (Remark::str, exactly)
//   graph @case { ... }                the input
//   # EXPECT:                          then print_graph of the result, exactly
//   graph @case { ... }
//
// or, instead of the EXPECT section, `# ERROR: text` for a pipeline that must
// fail with a message containing text. Every case runs with verify_each and
// verify_numerics on seeded weights, so a golden output is also checked to
// compute what the input did. KILN_UPDATE_GOLDEN=1 rewrites the EXPECT
// sections from the actual output (review the diff before committing).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ir/printer.h"
#include "pass_test_util.h"

namespace kiln {
namespace {

namespace fs = std::filesystem;

const char* const kExpectMarker = "# EXPECT:";

struct GoldenCase {
  std::string input;     // everything before "# EXPECT:"
  std::string expected;  // everything after it
  bool has_expect = false;
  std::string pipeline;
  std::vector<std::string> keep_outputs;
  std::vector<std::string> remarks;
  std::string error;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> split_csv(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');) out.push_back(item);
  return out;
}

bool directive(const std::string& line, const std::string& key, std::string& value) {
  const std::string prefix = "# " + key + ": ";
  if (line.rfind(prefix, 0) != 0) return false;
  value = line.substr(prefix.size());
  return true;
}

GoldenCase parse_case(const std::string& text) {
  GoldenCase c;
  size_t marker = text.find(std::string("\n") + kExpectMarker + "\n");
  c.input = marker == std::string::npos ? text : text.substr(0, marker + 1);
  c.has_expect = marker != std::string::npos;
  if (c.has_expect) c.expected = text.substr(marker + 2 + std::strlen(kExpectMarker));
  std::stringstream ss(c.input);
  for (std::string line, value; std::getline(ss, line);) {
    if (directive(line, "RUN", value)) c.pipeline = value;
    if (directive(line, "KEEP-OUTPUTS", value)) c.keep_outputs = split_csv(value);
    if (directive(line, "REMARK", value)) c.remarks.push_back(value);
    if (directive(line, "ERROR", value)) c.error = value;
  }
  return c;
}

std::vector<std::string> golden_files() {
  std::vector<std::string> out;
  fs::path dir = fs::path(KILN_SOURCE_DIR) / "tests/passes/golden";
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".kir") out.push_back(entry.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string test_name(const std::string& path) {
  std::string s = fs::path(path).stem().string();
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return s;
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, OutputMatches) {
  const std::string path = GetParam();
  GoldenCase c = parse_case(read_file(path));
  ASSERT_FALSE(c.pipeline.empty()) << path << ": no '# RUN:' line";
  ASSERT_TRUE(c.error.empty() == c.has_expect)
      << path << ": needs exactly one of '# EXPECT:' and '# ERROR:'";
  auto g = parse_graph(c.input, path);
  WeightMap weights;  // seeded by verify_numerics
  PipelineOptions o;
  o.passes = parse_pipeline(c.pipeline);
  o.keep_outputs = c.keep_outputs;
  o.verify_each = true;
  o.verify_numerics = true;
  std::ostringstream log;
  o.log = &log;
  PipelineResult r;
  try {
    r = run_pipeline(*g, weights, o);
  } catch (const Error& e) {
    ASSERT_FALSE(c.error.empty()) << path << ": unexpected error: " << e.what();
    EXPECT_NE(std::string(e.what()).find(c.error), std::string::npos) << e.what();
    return;
  }
  ASSERT_TRUE(c.error.empty()) << path << ": expected an error containing: " << c.error;
  const std::string actual = print_graph(*g);
  if (std::getenv("KILN_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << c.input << kExpectMarker << "\n" << actual;
  }
  EXPECT_EQ(actual, c.expected) << path;
  std::vector<std::string> produced;
  for (const Remark& rm : r.remarks) produced.push_back(rm.str());
  for (const std::string& want : c.remarks)
    EXPECT_NE(std::find(produced.begin(), produced.end(), want), produced.end())
        << path << ": missing remark: " << want << "\nremarks:\n"
        << ::testing::PrintToString(produced);
  for (const auto& [name, tensor] : weights)
    EXPECT_TRUE(g->find(name) && g->find(name)->is("weight"))
        << path << ": tensor '" << name << "' left in the weight map without a weight node";
}

INSTANTIATE_TEST_SUITE_P(Files, Golden, ::testing::ValuesIn(golden_files()),
                         [](const auto& info) { return test_name(info.param); });

}  // namespace
}  // namespace kiln
