// Every malformed input gets one located error that says what was expected.
#include <gtest/gtest.h>

#include <filesystem>

#include "frontend/parser.h"

namespace kiln {
namespace {

const char* kValid = R"(graph @tiny {
  %data = input() : f32[1,3,8,8]
  %c1.weight = weight() : f32[4,3,3,3]
  %c1 = conv2d(%data, %c1.weight) {kernel = [3, 3], stride = [1, 1], pad = [1, 1, 1, 1]} : f32[1,4,8,8]
  %r = relu(%c1) : f32[1,4,8,8]
  output %r
}
)";

// Replaces the first occurrence of `from` in kValid.
std::string edited(const std::string& from, const std::string& to) {
  std::string s = kValid;
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

std::string error_of(const std::string& text) {
  try {
    parse_graph(text, "m.kir");
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ParseErrors, ValidTextParses) {
  EXPECT_EQ(error_of(kValid), "(no error)");
}

TEST(ParseErrors, MissingGraphKeyword) {
  EXPECT_EQ(error_of("grph @x {}"), "m.kir:1:1: error: expected 'graph', got 'grph'");
}

TEST(ParseErrors, MissingTypeAnnotation) {
  EXPECT_EQ(error_of(edited(" : f32[1,4,8,8]\n  %r", "\n  %r")),
            "m.kir:5:3: error: expected ':', got '%r'");
}

TEST(ParseErrors, MalformedType) {
  EXPECT_EQ(error_of(edited("f32[4,3,3,3]", "f32[4,3,,3]")),
            "m.kir:3:35: error: expected a dimension, got ','");
  EXPECT_EQ(error_of(edited("f32[4,3,3,3]", "f16[4,3,3,3]")),
            "m.kir:3:27: error: expected a tensor type like 'f32[1,3,224,224]', got 'f16'");
}

TEST(ParseErrors, UnterminatedAttributeList) {
  EXPECT_EQ(error_of(edited("pad = [1, 1, 1, 1]}", "pad = [1, 1, 1, 1]")),
            "m.kir:4:89: error: expected ',', got ':'");
}

TEST(ParseErrors, UnexpectedCharacter) {
  EXPECT_EQ(error_of(edited("%r = relu", "%r = $relu")),
            "m.kir:5:8: error: unexpected character '$'");
}

TEST(ParseErrors, TruncatedFile) {
  std::string s = kValid;
  EXPECT_EQ(
      error_of(s.substr(0, s.find("  output"))),
      "m.kir:6:1: error: expected a node ('%name = op(...)'), 'output' or '}', got end of file");
}

TEST(ParseErrors, UnknownOpSuggestsTheNearestOne) {
  EXPECT_EQ(error_of(edited("relu(%c1)", "rleu(%c1)")),
            "m.kir:5:8: error: unknown op 'rleu'; did you mean 'relu'? ('kiln ops' lists them)");
  EXPECT_EQ(error_of(edited("relu(%c1)", "transformer(%c1)")),
            "m.kir:5:8: error: unknown op 'transformer' ('kiln ops' lists them)");
}

TEST(ParseErrors, WrongAttributeType) {
  EXPECT_EQ(error_of(edited("stride = [1, 1]", "stride = 1")),
            "m.kir:4:3: error: %c1: attribute 'stride' must be int list, got int 1");
  EXPECT_EQ(
      error_of(edited("stride = [1, 1]", "stride = [1.0, 1.0]")),
      "m.kir:4:3: error: %c1: attribute 'stride' must be int list, got float list [1.0, 1.0]");
}

TEST(ParseErrors, UnknownAndMissingAttributes) {
  EXPECT_EQ(
      error_of(edited("stride = [1, 1]", "strides = [1, 1]")),
      "m.kir:4:3: error: %c1: conv2d has no attribute 'strides' (it has: kernel, stride, pad, "
      "dilation, groups, activation, min, max, alpha)");
  EXPECT_EQ(error_of(edited("{kernel = [3, 3], ", "{")),
            "m.kir:4:3: error: %c1: conv2d needs attribute 'kernel' (int list)");
  EXPECT_EQ(error_of(edited("stride = [1, 1]", "stride = [1, 1], stride = [2, 2]")),
            "m.kir:4:70: error: attribute 'stride' is given twice");
}

TEST(ParseErrors, ShapeMismatch) {
  EXPECT_EQ(error_of(edited("f32[1,4,8,8]\n  %r", "f32[1,4,7,7]\n  %r")),
            "m.kir:4:3: error: %c1: declared type f32[1,4,7,7] but conv2d gives f32[1,4,8,8]");
  EXPECT_EQ(
      error_of(edited("f32[4,3,3,3]", "f32[4,2,3,3]")),
      "m.kir:4:3: error: %c1: weight %c1.weight f32[4,2,3,3] needs 3 input channels per group "
      "(input f32[1,3,8,8], groups 1)");
}

TEST(ParseErrors, DanglingValue) {
  EXPECT_EQ(error_of(edited("relu(%c1)", "relu(%c2)")),
            "m.kir:5:13: error: use of undefined value %c2");
  EXPECT_EQ(error_of(edited("output %r", "output %q")),
            "m.kir:6:10: error: output names undefined value %q");
}

TEST(ParseErrors, DuplicateName) {
  EXPECT_EQ(error_of(edited("%r = relu", "%c1 = relu")),
            "m.kir:5:3: error: duplicate value name %c1 (first defined at m.kir:4:3)");
}

TEST(ParseErrors, Cycle) {
  EXPECT_EQ(error_of(edited("conv2d(%data,", "conv2d(%r,")),
            "m.kir:4:3: error: %c1: cycle: %c1 -> %r -> %c1");
}

TEST(ParseErrors, UseBeforeDefinition) {
  std::string text = edited("  %data = input() : f32[1,3,8,8]\n", "");
  text.insert(text.find("  output"), "  %data = input() : f32[1,3,8,8]\n");
  EXPECT_EQ(error_of(text), "m.kir:3:3: error: %c1: %data is used before it is defined");
}

TEST(ParseErrors, OperandCount) {
  EXPECT_EQ(error_of(edited("relu(%c1)", "relu(%c1, %c1)")),
            "m.kir:5:3: error: %r: relu takes 1 operand, got 2");
}

TEST(ParseErrors, EveryProblemIsListed) {
  std::string text = edited("stride = [1, 1]", "stride = 1");
  text = text.replace(text.find("relu(%c1)"), 9, "relu(%c1, %c1)");
  std::string err = error_of(text);
  EXPECT_NE(err.find("m.kir:4:3: error: %c1: attribute 'stride'"), std::string::npos) << err;
  EXPECT_NE(err.find("\nm.kir:5:3: error: %r: relu takes 1 operand"), std::string::npos) << err;
}

TEST(ParseErrors, BadOutputRole) {
  EXPECT_EQ(
      error_of(edited("output %r", "output training %r")),
      "m.kir:6:10: error: expected an output role ('main' or 'aux') or a value, got 'training'");
}

// Located at the type: the element count used to wrap, and a run wrote a
// 128-byte result for a 2^64-element tensor.
TEST(ParseErrors, TypeWhoseSizeOverflows) {
  EXPECT_EQ(error_of(edited("f32[1,3,8,8]", "f32[4294967296,4294967296,1,1]")),
            "m.kir:2:21: error: type f32[4294967296,4294967296,1,1] is too large: its size in "
            "bytes overflows 64 bits");
  EXPECT_EQ(error_of(edited("f32[1,3,8,8]", "f32[1,2147483647,2147483647,2147483647]")),
            "m.kir:2:21: error: type f32[1,2147483647,2147483647,2147483647] is too large: its "
            "size in bytes overflows 64 bits");
}

TEST(ParseErrors, GraphWithoutOutputsNamesTheGraphHeader) {
  EXPECT_EQ(error_of(edited("  output %r\n", "")), "m.kir:1:1: error: graph @tiny has no outputs");
}

// A UTF-8 byte order mark is skipped; columns count from the text after it.
TEST(ParseErrors, ByteOrderMarkIsSkipped) {
  EXPECT_EQ(error_of("\xEF\xBB\xBF" + std::string(kValid)), "(no error)");
  EXPECT_EQ(error_of("\xEF\xBB\xBFgrph @x {}"), "m.kir:1:1: error: expected 'graph', got 'grph'");
}

TEST(ParseErrors, NonAsciiBytesAreShownInHex) {
  EXPECT_EQ(error_of(edited("%r = relu", "%r = \xC3\xA9relu")),
            "m.kir:5:8: error: unexpected byte 0xC3 (names and ops are ASCII)");
  EXPECT_EQ(error_of(edited("%r = relu", "%r = \x01relu")),
            "m.kir:5:8: error: unexpected byte 0x01");
}

std::string file_error_of(const std::string& path) {
  try {
    parse_graph_file(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// The reason, not just the failure: a typo, a permission or a directory need different fixes.
TEST(ParseErrors, UnreadableFileSaysWhy) {
  EXPECT_EQ(file_error_of("/nonexistent/model.kir"),
            "cannot read model file '/nonexistent/model.kir': No such file or directory");
  const std::string dir = std::filesystem::temp_directory_path().string();
  EXPECT_EQ(file_error_of(dir), "cannot read model file '" + dir + "': it is a directory");
}

}  // namespace
}  // namespace kiln
