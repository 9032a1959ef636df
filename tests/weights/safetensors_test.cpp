#include "frontend/safetensors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace kiln {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using SafetensorsTest = kiln::testing::TempDirTest;
using kiln::testing::error_of;

std::string u64_le(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>(v >> (8 * i));
  return s;
}

// A file from a header text and data bytes, as any writer would lay it out.
std::string craft(const std::string& header, const std::string& data) {
  return u64_le(header.size()) + header + data;
}

WeightMap sample() {
  WeightMap w;
  w["conv.weight"] = Tensor(TensorType({2, 1, 2, 2}), {1, -2, 3.5f, 4, 5, 6, 7, -8.25f});
  w["conv.bias"] = Tensor(TensorType({2}), {0.125f, -1e-30f});
  w["empty"] = Tensor(TensorType({0, 3}), {});
  return w;
}

TEST_F(SafetensorsTest, RoundTripKeepsNamesShapesValuesAndMetadata) {
  write_safetensors(path("w.safetensors"), sample(), {{"format", "pt"}, {"source", "test"}});
  SafetensorsReader r(path("w.safetensors"));
  EXPECT_EQ(r.metadata().at("format"), "pt");
  EXPECT_EQ(r.metadata().at("source"), "test");
  WeightMap back = r.read_all();
  ASSERT_EQ(back.size(), 3u);
  for (const auto& [name, t] : sample()) {
    EXPECT_EQ(back.at(name).type, t.type) << name;
    EXPECT_EQ(back.at(name).data, t.data) << name;
  }
}

TEST_F(SafetensorsTest, HeaderIsPaddedSoDataIsAligned) {
  write_safetensors(path("w.safetensors"), sample());
  std::string bytes = read_bytes(path("w.safetensors"));
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = header_len << 8 | static_cast<unsigned char>(bytes[i]);
  EXPECT_EQ(header_len % 8, 0u);
  EXPECT_EQ(bytes.size(), 8 + header_len + (8 + 2 + 0) * 4);
}

TEST_F(SafetensorsTest, ReadsAFileLaidOutByHand) {
  std::string data = std::string("\x00\x00\x80\x3f\x00\x00\x00\xc0", 8);  // 1.0f, -2.0f
  write_bytes(path("h.safetensors"),
              craft(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", data));
  WeightMap w = read_safetensors(path("h.safetensors"));
  EXPECT_EQ(w.at("x").type, TensorType({2}));
  EXPECT_EQ(w.at("x").data, (std::vector<float>{1.0f, -2.0f}));
}

TEST_F(SafetensorsTest, ReaderFindsEntriesWithoutReadingData) {
  write_safetensors(path("w.safetensors"), sample());
  SafetensorsReader r(path("w.safetensors"));
  ASSERT_NE(r.find("conv.bias"), nullptr);
  EXPECT_EQ(r.find("conv.bias")->type, TensorType({2}));
  EXPECT_EQ(r.find("nope"), nullptr);
  EXPECT_EQ(r.read(*r.find("conv.bias")).data, sample()["conv.bias"].data);
}

TEST_F(SafetensorsTest, TruncatedFileNamesTheTensor) {
  write_safetensors(path("w.safetensors"), sample());
  std::string bytes = read_bytes(path("w.safetensors"));
  write_bytes(path("w.safetensors"), bytes.substr(0, bytes.size() - 4));
  EXPECT_THAT(
      error_of([&] { read_safetensors(path("w.safetensors")); }),
      AllOf(HasSubstr("w.safetensors"), HasSubstr("'conv.weight'"), HasSubstr("truncated")));
}

TEST_F(SafetensorsTest, HeaderLengthBeyondTheFile) {
  write_bytes(path("big.safetensors"), u64_le(1000) + "{}");
  EXPECT_THAT(error_of([&] { read_safetensors(path("big.safetensors")); }),
              AllOf(HasSubstr("big.safetensors"), HasSubstr("header length 1000 exceeds")));
}

TEST_F(SafetensorsTest, TooShortForTheHeaderLength) {
  write_bytes(path("tiny.safetensors"), "abc");
  EXPECT_THAT(error_of([&] { read_safetensors(path("tiny.safetensors")); }),
              AllOf(HasSubstr("tiny.safetensors"), HasSubstr("too short")));
}

TEST_F(SafetensorsTest, DirectoryIsNamedAsOne) {
  const std::string dir = path("w.safetensors");
  std::filesystem::create_directory(dir);
  EXPECT_THAT(error_of([&] { read_safetensors(dir); }),
              AllOf(HasSubstr(dir + ": is a directory, not a safetensors file"),
                    ::testing::Not(HasSubstr("too short"))));
}

TEST_F(SafetensorsTest, BadJson) {
  write_bytes(path("bad.safetensors"), craft(R"({"x":{"dtype":"F32",)", ""));
  EXPECT_THAT(error_of([&] { read_safetensors(path("bad.safetensors")); }),
              AllOf(HasSubstr("bad.safetensors"), HasSubstr("not valid JSON")));
}

TEST_F(SafetensorsTest, HeaderMustBeAnObjectOfTensorObjects) {
  write_bytes(path("a.safetensors"), craft("[1, 2]", ""));
  EXPECT_THAT(error_of([&] { read_safetensors(path("a.safetensors")); }),
              HasSubstr("must be a JSON object"));
  write_bytes(path("b.safetensors"), craft(R"({"x": {"dtype": "F32"}})", ""));
  EXPECT_THAT(error_of([&] { read_safetensors(path("b.safetensors")); }),
              AllOf(HasSubstr("tensor 'x'"), HasSubstr("data_offsets")));
  write_bytes(path("c.safetensors"),
              craft(R"({"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}})", ""));
  EXPECT_THAT(error_of([&] { read_safetensors(path("c.safetensors")); }),
              AllOf(HasSubstr("tensor 'x'"), HasSubstr("non-negative")));
}

TEST_F(SafetensorsTest, OffsetsOutsideTheData) {
  write_bytes(
      path("o.safetensors"),
      craft(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", std::string(8, 0)));
  EXPECT_THAT(error_of([&] { read_safetensors(path("o.safetensors")); }),
              AllOf(HasSubstr("o.safetensors"), HasSubstr("tensor 'w'"), HasSubstr("[0,16]"),
                    HasSubstr("outside the 8 bytes")));
  write_bytes(
      path("r.safetensors"),
      craft(R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}})", std::string(8, 0)));
  EXPECT_THAT(error_of([&] { read_safetensors(path("r.safetensors")); }), HasSubstr("tensor 'w'"));
}

TEST_F(SafetensorsTest, OverlappingTensors) {
  write_bytes(path("ov.safetensors"),
              craft(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                    R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                    std::string(12, 0)));
  EXPECT_THAT(error_of([&] { read_safetensors(path("ov.safetensors")); }),
              AllOf(HasSubstr("ov.safetensors"), HasSubstr("'a' and 'b' overlap")));
}

TEST_F(SafetensorsTest, BytesCoveredByNoTensor) {
  write_bytes(
      path("gap.safetensors"),
      craft(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", std::string(8, 0)));
  EXPECT_THAT(error_of([&] { read_safetensors(path("gap.safetensors")); }),
              AllOf(HasSubstr("4 bytes before tensor 'a'")));
  write_bytes(
      path("tail.safetensors"),
      craft(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", std::string(8, 0)));
  EXPECT_THAT(error_of([&] { read_safetensors(path("tail.safetensors")); }),
              HasSubstr("4 bytes at the end"));
}

TEST_F(SafetensorsTest, ByteCountMustMatchTheShape) {
  write_bytes(
      path("n.safetensors"),
      craft(R"({"k":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", std::string(8, 0)));
  EXPECT_THAT(
      error_of([&] { read_safetensors(path("n.safetensors")); }),
      AllOf(HasSubstr("tensor 'k'"), HasSubstr("f32[3] needs 12 bytes"), HasSubstr("hold 8")));
}

TEST_F(SafetensorsTest, UnsupportedDtype) {
  write_bytes(
      path("d.safetensors"),
      craft(R"({"half":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})", std::string(4, 0)));
  EXPECT_THAT(error_of([&] { read_safetensors(path("d.safetensors")); }),
              AllOf(HasSubstr("d.safetensors"), HasSubstr("tensor 'half'"), HasSubstr("F16"),
                    HasSubstr("only F32")));
}

// JSON parsers keep the last of repeated keys: one tensor silently vanished.
TEST_F(SafetensorsTest, RepeatedTensorNamesAreAnError) {
  write_bytes(path("dup.safetensors"),
              craft(R"({"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                    R"("b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                    std::string(4, 0)));
  EXPECT_THAT(error_of([&] { read_safetensors(path("dup.safetensors")); }),
              AllOf(HasSubstr("dup.safetensors"), HasSubstr("tensor 'b' appears twice")));
}

TEST_F(SafetensorsTest, MissingFile) {
  EXPECT_THAT(error_of([&] { read_safetensors(path("absent.safetensors")); }),
              AllOf(HasSubstr("absent.safetensors"), HasSubstr("cannot open")));
}

TEST_F(SafetensorsTest, WriterRejectsATensorWhoseDataDoesNotFitItsType) {
  WeightMap w;
  w["bad"] = Tensor(TensorType({3}), {1, 2});
  EXPECT_THAT(error_of([&] { write_safetensors(path("x.safetensors"), w); }),
              AllOf(HasSubstr("'bad'"), HasSubstr("2 values")));
}

}  // namespace
}  // namespace kiln
