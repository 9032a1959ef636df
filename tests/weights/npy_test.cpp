#include "frontend/npy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <cstring>

#include "test_util.h"

namespace kiln {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using NpyTest = kiln::testing::TempDirTest;
using kiln::testing::error_of;

// A .npy file the way numpy lays it out: magic, version, little-endian header
// length (2 bytes in 1.0, 4 in 2.0), the dict, then the data.
std::string npy_file(int major, const std::string& dict, const std::string& data) {
  std::string s = "\x93NUMPY";
  s += static_cast<char>(major);
  s += '\0';
  size_t len_bytes = major == 1 ? 2 : 4;
  for (size_t i = 0; i < len_bytes; ++i) s += static_cast<char>((dict.size() >> (8 * i)) & 0xff);
  return s + dict + data;
}

template <typename T>
std::string raw(std::initializer_list<T> values) {
  std::string s;
  for (T v : values) s.append(reinterpret_cast<const char*>(&v), sizeof v);  // x86: little-endian
  return s;
}

TEST_F(NpyTest, RoundTripAcrossRanks) {
  for (const auto& t : {Tensor(TensorType({2, 3}), {1, 2, 3, 4, 5, -6.5f}),
                        Tensor(TensorType({4}), {0.1f, 0.2f, 0.3f, 1e30f}),
                        Tensor(TensorType({1, 2, 1, 2}), {9, 8, 7, 6}),
                        Tensor(TensorType(std::vector<int64_t>{}), {42})}) {
    write_npy(path("t.npy"), t);
    Tensor back = read_npy(path("t.npy"));
    EXPECT_EQ(back.type, t.type) << t.type.str();
    EXPECT_EQ(back.data, t.data) << t.type.str();
  }
}

TEST_F(NpyTest, WritesNumpysLayout) {
  std::string bytes = serialize_npy(Tensor(TensorType({3}), {1, 2, 3}));
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  size_t header_len = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9])
                                                                 << 8;
  EXPECT_EQ((10 + header_len) % 64, 0u);
  std::string dict = bytes.substr(10, header_len);
  EXPECT_EQ(dict.find("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"), 0u) << dict;
  EXPECT_EQ(dict.back(), '\n');
  EXPECT_EQ(bytes.size(), 10 + header_len + 12);
}

TEST_F(NpyTest, ReadsFloat64AndVersion2) {
  std::string f8 = npy_file(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 1), }\n",
                            raw<double>({0.5, -3.25}));
  Tensor t = parse_npy(f8, "f8.npy");
  EXPECT_EQ(t.type, TensorType({2, 1}));
  EXPECT_EQ(t.data, (std::vector<float>{0.5f, -3.25f}));
}

TEST_F(NpyTest, AcceptsKeyOrderDoubleQuotesAndLongSuffix) {
  std::string s = npy_file(1, "{\"shape\": (2L,), \"fortran_order\": False, \"descr\": \"<f4\"}",
                           raw<float>({1, 2}));
  EXPECT_EQ(parse_npy(s).data, (std::vector<float>{1, 2}));
}

TEST_F(NpyTest, BadMagic) {
  write_bytes(path("x.npy"), "PK\x03\x04 this is a zip");
  EXPECT_THAT(error_of([&] { read_npy(path("x.npy")); }),
              AllOf(HasSubstr("x.npy"), HasSubstr("bad magic")));
}

TEST_F(NpyTest, FortranOrderIsRejected) {
  std::string s = npy_file(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
                           raw<float>({1, 2, 3, 4}));
  EXPECT_THAT(error_of([&] { parse_npy(s, "f.npy"); }),
              AllOf(HasSubstr("f.npy"), HasSubstr("fortran_order")));
}

TEST_F(NpyTest, TruncatedDataSaysHowMuchIsMissing) {
  std::string good = serialize_npy(Tensor(TensorType({2, 3}), {1, 2, 3, 4, 5, 6}));
  write_bytes(path("t.npy"), good.substr(0, good.size() - 5));
  EXPECT_THAT(error_of([&] { read_npy(path("t.npy")); }),
              AllOf(HasSubstr("t.npy"), HasSubstr("needs 24 bytes"), HasSubstr("has 19"),
                    HasSubstr("truncated")));
}

TEST_F(NpyTest, TruncatedHeader) {
  std::string good = serialize_npy(Tensor(TensorType({2}), {1, 2}));
  EXPECT_THAT(error_of([&] { parse_npy(good.substr(0, 30), "h.npy"); }),
              AllOf(HasSubstr("h.npy"), HasSubstr("truncated .npy header")));
}

TEST_F(NpyTest, TrailingBytes) {
  std::string good = serialize_npy(Tensor(TensorType({2}), {1, 2}));
  EXPECT_THAT(error_of([&] { parse_npy(good + "xx", "tail.npy"); }), HasSubstr("trailing"));
}

TEST_F(NpyTest, UnsupportedDtypes) {
  for (const char* descr : {"<i4", ">f4", "<f2", "|u1"}) {
    std::string s = npy_file(
        1, std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (1,), }",
        std::string(4, '\0'));
    EXPECT_THAT(error_of([&] { parse_npy(s, "d.npy"); }),
                AllOf(HasSubstr("unsupported dtype"), HasSubstr(descr)));
  }
}

TEST_F(NpyTest, MalformedHeaders) {
  const char* dicts[] = {
      "{'descr': '<f4', 'fortran_order': False}",                   // no shape
      "{'descr': '<f4', 'fortran_order': maybe, 'shape': (1,)}",    // bad bool
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1, x)}",  // bad dimension
      "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}",   // negative
      "['descr', '<f4']",                                           // not a dict
      "{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}",     // quoting
  };
  for (const char* d : dicts)
    EXPECT_THAT(error_of([&] { parse_npy(npy_file(1, d, std::string(4, '\0')), "m.npy"); }),
                HasSubstr("m.npy"))
        << d;
}

TEST_F(NpyTest, UnsupportedVersion) {
  std::string s = npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
                           std::string(4, '\0'));
  s[6] = 9;
  EXPECT_THAT(error_of([&] { parse_npy(s, "v.npy"); }), HasSubstr("version 9.0"));
}

TEST_F(NpyTest, HugeShapeIsAnErrorNotAnAllocation) {
  std::string s = npy_file(
      1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000, 1000000), }",
      std::string(4, '\0'));
  EXPECT_THAT(error_of([&] { parse_npy(s, "huge.npy"); }), HasSubstr("truncated"));
}

}  // namespace
}  // namespace kiln
