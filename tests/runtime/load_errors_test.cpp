// Every way an artifact directory can be unusable must give a clear error, never a crash.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "backend/halide/codegen/subprocess.h"
#include "runtime/checksum.h"
#include "runtime/kiln_plan.h"
#include "runtime/kiln_runtime.hpp"
#include "runtime/weights_format.h"
#include "tests/runtime/test_artifact.h"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;

// A copy of the test artifact that a test may damage.
std::string copy_of_artifact(const std::string& name) {
  const std::string dir = scratch_dir() + "/" + name;
  fs::remove_all(dir);
  fs::copy(test_artifact(), dir, fs::copy_options::recursive);
  return dir;
}

std::string load_error(const std::string& dir) {
  char err[512] = "";
  kiln_model* model = kiln_model_load(dir.c_str(), err, sizeof err);
  if (model != nullptr) {
    kiln_model_free(model);
    return "(loaded)";
  }
  return err;
}

void expect_error(const std::string& dir, const std::string& fragment) {
  const std::string err = load_error(dir);
  EXPECT_NE(err.find(fragment), std::string::npos) << "error was: " << err;
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

TEST(LoadErrors, MissingDirectory) {
  expect_error(scratch_dir() + "/nope",
               "artifact directory '" + scratch_dir() + "/nope' does not exist");
  char err[64];
  EXPECT_EQ(kiln_model_load(nullptr, err, sizeof err), nullptr);
}

TEST(LoadErrors, MissingLibrary) {
  const std::string dir = copy_of_artifact("no_so");
  fs::remove(dir + "/libkiln_model.so");
  expect_error(dir, "libkiln_model.so is missing");
}

TEST(LoadErrors, LibraryThatIsNotASharedObject) {
  const std::string dir = copy_of_artifact("garbage_so");
  write_bytes(dir + "/libkiln_model.so", "not an ELF file");
  expect_error(dir,
               dir + "/libkiln_model.so is truncated or not a shared library (15 bytes, needs 64)");
  write_bytes(dir + "/libkiln_model.so", std::string(200, 'x'));
  expect_error(dir, dir + "/libkiln_model.so is not a shared library: no ELF header");
}

// dlopen maps segments past the end of a cut-off file, and the process dies of SIGBUS on first
// touch: every cut must be refused before dlopen instead.
TEST(LoadErrors, TruncatedLibrary) {
  const std::string dir = copy_of_artifact("truncated_so");
  const std::string path = dir + "/libkiln_model.so";
  const std::string whole = halide::codegen::read_file(path);
  for (size_t bytes :
       {size_t{1000}, size_t{20000}, size_t{60000}, whole.size() / 2, whole.size() - 1}) {
    ASSERT_LT(bytes, whole.size());
    write_bytes(path, whole.substr(0, bytes));
    expect_error(dir, path + " is truncated or not a shared library (" + std::to_string(bytes) +
                          " bytes, needs ");
  }
  write_bytes(path, whole);
  EXPECT_EQ(load_error(dir), "(loaded)");
}

// Overwrites the header field at `offset` (runtime/weights_format.h) with `value`.
template <typename T>
void patch_weights_header(const std::string& path, std::streamoff offset, T value) {
  std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
  f.seekp(offset);
  f.write(reinterpret_cast<const char*>(&value), sizeof value);
}

// Makes weights.bin vouch for the library as it now is, so that checks after dlopen are reached.
void record_library_checksum(const std::string& dir) {
  const std::string library = halide::codegen::read_file(dir + "/libkiln_model.so");
  patch_weights_header(dir + "/weights.bin", offsetof(weights_format::Header, library_checksum),
                       xxh64(library.data(), library.size()));
}

// The start of the error for a library and a weights.bin from different compiles (or damaged).
std::string checksum_mismatch(const std::string& dir) {
  return dir + "/libkiln_model.so and " + dir +
         "/weights.bin do not belong together: the library's checksum differs from the one "
         "weights.bin recorded at compile time (one of them is damaged, was modified, or comes "
         "from another compile";
}

TEST(LoadErrors, SharedObjectThatIsNotAnArtifact) {
  const std::string dir = copy_of_artifact("foreign_so");
  write_bytes(dir + "/foreign.c", "int not_kiln(void) { return 1; }\n");
  halide::codegen::run_command({"cc", "-shared", "-fPIC", "-o", "libkiln_model.so", "foreign.c"},
                               dir);
  expect_error(dir, checksum_mismatch(dir));  // refused before dlopen runs any of its code
  record_library_checksum(dir);
  expect_error(dir, "is not a Kiln artifact: it does not export kiln_model_plan()");
}

// Zeroing 8 bytes in the middle of ResNet-18's library crashed `kiln run` with SIGSEGV inside
// dlopen. Every damaged byte must be refused before dlopen, wherever it is.
TEST(LoadErrors, DamagedLibraryIsRefusedBeforeDlopen) {
  const std::string dir = copy_of_artifact("damaged_so");
  const std::string path = dir + "/libkiln_model.so";
  const std::string whole = halide::codegen::read_file(path);
  for (size_t offset : {whole.size() / 5, whole.size() / 3, whole.size() / 2, whole.size() - 1}) {
    std::string damaged = whole;
    damaged[offset] = static_cast<char>(damaged[offset] ^ 0x01);
    write_bytes(path, damaged);
    const std::string err = load_error(dir);
    EXPECT_EQ(err.rfind(checksum_mismatch(dir) + "; the library's XXH64 is 0x", 0), 0u)
        << "offset " << offset << ": " << err;
    EXPECT_NE(err.find(", weights.bin records 0x"), std::string::npos) << err;
  }
  write_bytes(path, whole);
  EXPECT_EQ(load_error(dir), "(loaded)");
}

TEST(LoadErrors, MissingWeights) {
  const std::string dir = copy_of_artifact("no_weights");
  fs::remove(dir + "/weights.bin");
  expect_error(dir, "weights.bin is missing");
}

TEST(LoadErrors, TruncatedWeights) {
  const std::string dir = copy_of_artifact("truncated");
  const std::string path = dir + "/weights.bin";
  fs::resize_file(path, fs::file_size(path) - 4);
  expect_error(dir, "weights.bin is truncated");
  fs::resize_file(path, 10);  // not even a header
  expect_error(dir, "weights.bin is truncated: 10 bytes, shorter than its 64-byte header");
}

TEST(LoadErrors, CorruptedWeights) {
  const std::string dir = copy_of_artifact("corrupted");
  const std::string path = dir + "/weights.bin";
  std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
  f.seekp(100);
  f.put('\x7f');
  f.close();
  expect_error(dir, "weights.bin is corrupted: payload checksum");
}

// A damaged field is named, not reported as a version mismatch between equal versions.
TEST(LoadErrors, WeightsHeaderFields) {
  const std::string dir = copy_of_artifact("header_fields");
  const std::string path = dir + "/weights.bin";
  const std::string good = halide::codegen::read_file(path);
  const std::string version = std::to_string(weights_format::kVersion);
  patch_weights_header(path, offsetof(weights_format::Header, header_bytes), uint32_t{128});
  expect_error(dir, path + " is corrupted: its header says it is 128 bytes long, version " +
                        version + " headers are 64");
  write_bytes(path, good);
  patch_weights_header(path, offsetof(weights_format::Header, alignment), uint32_t{3});
  expect_error(dir, path + " is corrupted: its header gives a payload alignment of 3 bytes");
  write_bytes(path, good);
  patch_weights_header(path, offsetof(weights_format::Header, version), uint32_t{1});
  expect_error(dir, path + " has weights format version 1, this runtime reads version " + version +
                        ": recompile the model");
}

// 64 + (2^64 - 1) wraps to 63: the check must not compare against the wrapped sum.
TEST(LoadErrors, WeightsPayloadSizeOverflow) {
  const std::string dir = copy_of_artifact("payload_overflow");
  const std::string path = dir + "/weights.bin";
  patch_weights_header(path, offsetof(weights_format::Header, payload_bytes), ~uint64_t{0});
  expect_error(dir, path +
                        " is corrupted: its header claims a payload of 18446744073709551615 "
                        "bytes");
}

TEST(LoadErrors, NotAWeightsFile) {
  const std::string dir = copy_of_artifact("bad_magic");
  write_bytes(dir + "/weights.bin", std::string(200, 'x'));
  expect_error(dir, "weights.bin is not a Kiln weights file");
}

TEST(LoadErrors, WeightsOfAnotherModel) {
  const std::string other = scratch_dir() + "/other_weights";
  write_test_artifact(make_test_model(Variant::kOtherWeights), other);
  const std::string dir = copy_of_artifact("swapped");
  fs::copy_file(other + "/weights.bin", dir + "/weights.bin", fs::copy_options::overwrite_existing);
  // The other compile's weights.bin records the other compile's library.
  expect_error(dir, checksum_mismatch(dir));
  record_library_checksum(dir);
  expect_error(dir, "weights.bin does not belong to this model");
  EXPECT_EQ(load_error(other), "(loaded)");
}

TEST(LoadErrors, OtherPlanAbiVersion) {
  const std::string dir = scratch_dir() + "/abi";
  halide::CodegenOptions options;
  options.abi_version_override = 999;
  write_test_artifact(make_test_model(), dir, options);
  expect_error(dir, "uses plan ABI version 999, this runtime reads version " +
                        std::to_string(KILN_PLAN_ABI_VERSION));
}

TEST(LoadErrors, OtherKilnVersion) {
  const std::string dir = scratch_dir() + "/version";
  halide::CodegenOptions options;
  options.kiln_version_override = "0.0.1-old";
  write_test_artifact(make_test_model(), dir, options);
  expect_error(dir, std::string("was compiled by Kiln 0.0.1-old, this runtime is Kiln ") +
                        kiln_runtime_version());
}

TEST(LoadErrors, CppWrapperThrowsTheMessage) {
  try {
    Model model(scratch_dir() + "/nope");
    FAIL() << "expected an error";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos);
  }
}

TEST(LoadErrors, TruncatesLongMessagesSafely) {
  char err[8];
  std::memset(err, 'z', sizeof err);
  EXPECT_EQ(kiln_model_load("/definitely/not/here", err, sizeof err), nullptr);
  EXPECT_EQ(std::strlen(err), 7u);
  EXPECT_EQ(kiln_model_load("/definitely/not/here", nullptr, 0), nullptr);
}

}  // namespace
}  // namespace kiln::testing
