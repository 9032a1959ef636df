// Small building blocks: C spelling of generated values, the XXH64 checksum, subprocesses.
#include <gtest/gtest.h>

#include "backend/halide/codegen/c_text.h"
#include "backend/halide/codegen/subprocess.h"
#include "runtime/checksum.h"

namespace kiln::halide::codegen {
namespace {

TEST(CText, EscapesEverythingUnsafe) {
  EXPECT_EQ(c_string("conv1.weight"), "\"conv1.weight\"");
  EXPECT_EQ(c_string("a\"b\\c\n?\?="), "\"a\\042b\\134c\\012\\077\\077=\"");
  EXPECT_EQ(c_string("\xc3\xa9"), "\"\\303\\251\"");
  EXPECT_EQ(c_comment("x */ y"), "x * / y");
}

TEST(CText, Numbers) {
  EXPECT_EQ(c_int64(-5), "-5LL");
  EXPECT_EQ(c_int64(INT64_MIN), "(-9223372036854775807LL - 1)");
  EXPECT_EQ(c_uint64(0xabcULL), "0x0000000000000abcULL");
  EXPECT_EQ(c_double(118250), "118250.0");
  EXPECT_EQ(c_double(0.1), "0.1");
  EXPECT_EQ(c_double(1e300 * 1e300), "0.0");
}

TEST(CText, Identifiers) {
  EXPECT_TRUE(is_c_identifier("kiln_k3_conv2d"));
  EXPECT_FALSE(is_c_identifier("3conv"));
  EXPECT_FALSE(is_c_identifier("conv.1"));
  EXPECT_FALSE(is_c_identifier(""));
  EXPECT_TRUE(is_reserved_symbol("halide_malloc"));
  EXPECT_TRUE(is_reserved_symbol("kiln_model_plan"));
  EXPECT_FALSE(is_reserved_symbol("kiln_k0_relu"));
}

TEST(Checksum, MatchesPublishedXxh64Values) {
  EXPECT_EQ(xxh64("", 0), 0xef46db3751d8e999ULL);
  EXPECT_EQ(xxh64("abc", 3), 0x44bc2cf5ad770999ULL);
}

TEST(Checksum, CoversEveryByteAndLengthClass) {
  std::string data(100, 'x');
  const uint64_t base = xxh64(data.data(), data.size());
  for (size_t i : {0, 31, 32, 95, 99}) {  // stripes, 8-byte tail, 4-byte tail, byte tail
    std::string changed = data;
    changed[i] = 'y';
    EXPECT_NE(xxh64(changed.data(), changed.size()), base) << i;
  }
  EXPECT_NE(xxh64(data.data(), 99), base);
  EXPECT_NE(xxh64(data.data(), data.size(), 1), base);
}

TEST(Subprocess, ReturnsOutput) {
  EXPECT_EQ(run_command({"echo", "hello", "world"}, "/"), "hello world\n");
}

TEST(Subprocess, FailureQuotesCommandAndStderr) {
  try {
    run_command({"sh", "-c", "echo diagnostic >&2; exit 3"}, "/tmp");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "`sh -c echo diagnostic >&2; exit 3` failed (exit status 3):\ndiagnostic\n");
  }
}

TEST(Subprocess, MissingProgramOrDirectory) {
  EXPECT_THROW(run_command({"/no/such/program"}, "/"), std::runtime_error);
  EXPECT_THROW(run_command({"true"}, "/no/such/dir"), std::runtime_error);
}

}  // namespace
}  // namespace kiln::halide::codegen
