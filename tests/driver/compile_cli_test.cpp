// `kiln compile` and running its artifact from the command line: same
// answers as the reference backend, a warm cache compiles nothing, builds
// are reproducible, and broken artifacts give clear errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "frontend/npy.h"
#include "tests/driver/kiln_process.h"
#include "tests/driver/test_models.h"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;

std::string cache_dir() {
  return std::string(KILN_BINARY_DIR) + "/test-kernel-cache";
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

double max_relative_error(const Tensor& expected, const Tensor& got) {
  double scale = 0, err = 0;
  for (int64_t i = 0; i < expected.size(); ++i) {
    scale = std::max(scale, std::abs(double(expected.data[i])));
    err = std::max(err, std::abs(double(expected.data[i]) - got.data[i]));
  }
  return err / scale;
}

class CompileCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new ScratchDir;
    first_ = new KilnResult(
        run_kiln({"compile", "nin", "-o", scratch_->file("a"), "--cache-dir", cache_dir()}));
  }
  static void TearDownTestSuite() {
    delete first_;
    delete scratch_;
  }
  static ScratchDir* scratch_;
  static KilnResult* first_;
};
ScratchDir* CompileCli::scratch_ = nullptr;
KilnResult* CompileCli::first_ = nullptr;

TEST_F(CompileCli, WritesTheArtifact) {
  ASSERT_EQ(first_->status, 0) << first_->err;
  for (const char* f : {"libkiln_model.so", "kiln_model.h", "weights.bin", "manifest.json"})
    EXPECT_TRUE(fs::exists(scratch_->file("a") + "/" + f)) << f;
  EXPECT_NE(first_->out.find("arena:"), std::string::npos) << first_->out;
  EXPECT_NE(first_->err.find("/"), std::string::npos) << "progress lines expected on stderr";
}

TEST_F(CompileCli, SecondCompileHitsTheCacheAndIsByteIdentical) {
  ASSERT_EQ(first_->status, 0) << first_->err;
  KilnResult second =
      run_kiln({"compile", "nin", "-o", scratch_->file("b"), "--cache-dir", cache_dir()});
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_NE(second.out.find(" (0 compiled, "), std::string::npos) << second.out;
  EXPECT_EQ(second.err.find("] compiled "), std::string::npos) << second.err;
  for (const char* f : {"libkiln_model.so", "kiln_model.h", "weights.bin", "manifest.json"})
    EXPECT_TRUE(slurp(scratch_->file("a") + "/" + f) == slurp(scratch_->file("b") + "/" + f)) << f;
}

TEST_F(CompileCli, ArtifactAndInProcessCompileMatchTheReference) {
  ASSERT_EQ(first_->status, 0) << first_->err;
  KilnResult ref = run_kiln({"run", "nin", "-O", "--output-dir", scratch_->file("ref")});
  ASSERT_EQ(ref.status, 0) << ref.err;
  KilnResult aot = run_kiln({"run", scratch_->file("a"), "--output-dir", scratch_->file("aot")});
  ASSERT_EQ(aot.status, 0) << aot.err;
  KilnResult jit = run_kiln({"run", "nin", "--backend=halide", "--cache-dir", cache_dir(),
                             "--output-dir", scratch_->file("jit")});
  ASSERT_EQ(jit.status, 0) << jit.err;
  Tensor expected = read_npy(scratch_->file("ref/prob.npy"));
  for (const char* dir : {"aot", "jit"}) {
    Tensor got = read_npy(scratch_->file(std::string(dir) + "/prob.npy"));
    ASSERT_EQ(got.type, expected.type) << dir;
    EXPECT_LE(max_relative_error(expected, got), 1e-4) << dir;
  }
  EXPECT_NE(aot.out.find("run: "), std::string::npos);
}

TEST_F(CompileCli, ProfileNamesTheFusedLayers) {
  ASSERT_EQ(first_->status, 0) << first_->err;
  KilnResult r = run_kiln({"run", scratch_->file("a"), "--profile"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("conv1+conv1.relu"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("GFLOP/s"), std::string::npos);
}

TEST_F(CompileCli, WrongInputShapeIsAnError) {
  ASSERT_EQ(first_->status, 0) << first_->err;
  std::string npy = scratch_->file("small.npy");
  write_npy(npy, Tensor(TensorType({1, 3, 32, 32})));
  KilnResult r = run_kiln({"run", scratch_->file("a"), "--input", "data=" + npy});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("input %data"), std::string::npos) << r.err;
}

TEST_F(CompileCli, TruncatedWeightsAreAnError) {
  ASSERT_EQ(first_->status, 0) << first_->err;
  fs::copy(scratch_->file("a"), scratch_->file("broken"), fs::copy_options::recursive);
  fs::resize_file(scratch_->file("broken/weights.bin"), 1000);
  KilnResult r = run_kiln({"run", scratch_->file("broken")});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("weights.bin"), std::string::npos) << r.err;
}

// dlopen of a cut-off library used to die of SIGBUS.
TEST_F(CompileCli, TruncatedLibraryIsAnError) {
  ASSERT_EQ(first_->status, 0) << first_->err;
  const std::string dir = scratch_->file("cut_so");
  fs::copy(scratch_->file("a"), dir, fs::copy_options::recursive);
  fs::resize_file(dir + "/libkiln_model.so", 20000);
  KilnResult r = run_kiln({"run", dir});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find(dir + "/libkiln_model.so is truncated or not a shared library (20000 "
                             "bytes, needs "),
            std::string::npos)
      << r.err;
}

// Damage inside the library (8 zeroed bytes in ResNet-18's) used to crash `kiln run` with SIGSEGV
// in dlopen; it is now refused before dlopen.
TEST_F(CompileCli, DamagedLibraryIsAnError) {
  ASSERT_EQ(first_->status, 0) << first_->err;
  const std::string dir = scratch_->file("damaged_so");
  fs::copy(scratch_->file("a"), dir, fs::copy_options::recursive);
  const std::string library = dir + "/libkiln_model.so";
  std::string bytes = slurp(library);
  bytes[bytes.size() / 2] ^= 0x40;  // one flipped bit
  std::ofstream(library, std::ios::binary | std::ios::trunc) << bytes;
  KilnResult r = run_kiln({"run", dir});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find(library + " and " + dir +
                       "/weights.bin do not belong together: the library's checksum differs"),
            std::string::npos)
      << r.err;
}

// Options that shape compilation or the pass pipeline cannot apply to a compiled artifact:
// `run` used to ignore them silently.
TEST_F(CompileCli, RunRefusesCompileOptionsOnAnArtifact) {
  ASSERT_EQ(first_->status, 0) << first_->err;
  const std::vector<std::vector<std::string>> flags = {
      {"--batch", "2"},
      {"--weights", scratch_->file("w.safetensors")},
      {"-O"},
      {"--O0"},
      {"--passes", "dce"},
      {"--verify-numerics"},
      {"--backend", "halide"},
      {"--target", "x86-64-avx2"},
      {"--cache-dir", "/tmp"},
      {"--allow-extra-weights"}};
  for (const std::vector<std::string>& flag : flags) {
    std::vector<std::string> args = {"run", scratch_->file("a")};
    args.insert(args.end(), flag.begin(), flag.end());
    KilnResult r = run_kiln(args);
    EXPECT_EQ(r.status, 2) << flag[0] << ": " << r.out << r.err;
    EXPECT_NE(r.err.find(flag[0] + " cannot be used with an artifact directory"), std::string::npos)
        << r.err;
  }
}

TEST_F(CompileCli, InputOfAnotherBatchAdvisesRecompiling) {
  ASSERT_EQ(first_->status, 0) << first_->err;
  std::string npy = scratch_->file("batch3.npy");
  write_npy(npy, Tensor(TensorType({3, 3, 224, 224})));
  KilnResult r = run_kiln({"run", scratch_->file("a"), "--input", "data=" + npy});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("the artifact was compiled for batch 1: recompile it with --batch 3"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("use --batch"), std::string::npos) << r.err;
}

TEST_F(CompileCli, OtherCommandsSayAnArtifactIsNoModelFile) {
  ASSERT_EQ(first_->status, 0) << first_->err;
  KilnResult r = run_kiln({"info", scratch_->file("a")});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(scratch_->file("a") + "' is a compiled artifact directory: only 'kiln "
                                             "run' and 'kiln bench' take one"),
            std::string::npos)
      << r.err;
}

// The scratch artifacts `run --backend=halide` left in $TMPDIR.
std::vector<std::string> scratch_artifacts(const std::string& tmp) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(tmp))
    if (entry.path().filename().string().rfind("kiln-run-", 0) == 0)
      found.push_back(entry.path().string());
  return found;
}

// `run --backend=halide` compiles into a scratch directory, hundreds of megabytes for a large
// model, which a failed run used to leave behind; a bad --input was only found after compiling.
TEST(CompileCliScratch, FailedNativeRunLeavesNoScratchArtifact) {
  ScratchDir dir, tmp;
  const std::map<std::string, std::string> env = {{"TMPDIR", tmp.path()}};
  const std::string model = dir.write("tiny.kir", kTinyDense);
  write_npy(dir.file("x.npy"), Tensor(TensorType({1, 4})));
  KilnResult bad_input = run_kiln({"run", model, "--backend=halide", "--cache-dir", cache_dir(),
                                   "--input", "x=" + dir.file("x.npy")},
                                  env);
  EXPECT_EQ(bad_input.status, 1);
  EXPECT_NE(bad_input.err.find("input %x"), std::string::npos) << bad_input.err;
  EXPECT_EQ(bad_input.err.find("[1/"), std::string::npos) << "no kernel may be compiled first";
  EXPECT_EQ(scratch_artifacts(tmp.path()), std::vector<std::string>());
  // A compile failing once the scratch directory exists: the cache cannot be created.
  const std::string not_a_dir = dir.write("afile", "");
  KilnResult bad_cache =
      run_kiln({"run", model, "--backend=halide", "--cache-dir", not_a_dir + "/cache"}, env);
  EXPECT_EQ(bad_cache.status, 1);
  EXPECT_NE(bad_cache.err.find("cache"), std::string::npos) << bad_cache.err;
  EXPECT_EQ(scratch_artifacts(tmp.path()), std::vector<std::string>());
}

// A run killed during its compile (no destructor runs) used to leave its scratch artifact in
// $TMPDIR for good: the next run removes it, and nothing else of a like name.
TEST(CompileCliScratch, NextRunRemovesTheScratchOfAKilledOne) {
  ScratchDir dir, tmp, bin;
  const std::string model = dir.write("tiny.kir", kTinyDense);
  // The linker kills the kiln running it: a kill in mid-compile, at a known point.
  const std::string cxx = bin.write("c++", "#!/bin/sh\nkill -9 $PPID\n");
  fs::permissions(cxx, fs::perms::owner_all);
  const std::vector<std::string> run = {"run", model, "--backend=halide", "--cache-dir",
                                        cache_dir()};
  KilnResult killed =
      run_kiln(run, {{"TMPDIR", tmp.path()}, {"PATH", bin.path() + ":" + std::getenv("PATH")}});
  EXPECT_EQ(killed.status, -1) << killed.err;
  ASSERT_EQ(scratch_artifacts(tmp.path()).size(), 1u);
  const std::string unlocked = tmp.path() + "/kiln-run-abc123";  // an older kiln's, say
  const std::string unlike = tmp.path() + "/kiln-run-abc1234";
  for (const std::string& other : {unlocked, unlike}) fs::create_directory(other);
  KilnResult next = run_kiln(run, {{"TMPDIR", tmp.path()}});
  EXPECT_EQ(next.status, 0) << next.err;
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(tmp.path())) left.push_back(entry.path());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, std::vector<std::string>({unlocked, unlike}));
}

TEST(CompileCliFlags, BadTargetIsAUsageError) {
  KilnResult r = run_kiln({"compile", "nin", "-o", "/tmp/never", "--target=vax"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown target 'vax'"), std::string::npos) << r.err;
}

// Used to compile (exit 0, dozens of Halide "guaranteed to fail an assertion" warnings with a
// cold cache, none with a warm one) and then fail to map a 64 GB arena when run; a tall input
// failed with "bad extent or stride in dimension 2". Now refused before any kernel is compiled.
TEST(CompileCliLimits, TensorsPastHalidesIndexLimitAreRefused) {
  ScratchDir dir;
  const std::string tiny = dir.write("tiny.kir", kTinyConv);
  const std::string tall = dir.write("tall.kir", R"(graph @tall {
  %data = input() : f32[1,3,20000000,224]
  %conv1.weight = weight() : f32[64,3,7,7]
  %conv1 = conv2d(%data, %conv1.weight) {kernel = [7, 7], stride = [2, 2], pad = [3, 3, 3, 3]} : f32[1,64,10000000,112]
  output %conv1
}
)");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{tiny, "--batch", "20000"},
       tiny + ":2:3: error: halide backend: %data (input) is f32[20000,3,224,224], 3010560000 "
              "elements: more than the 2147483647 (2^31 - 1) elements a Halide buffer can index"},
      {{tall},
       tall + ":2:3: error: halide backend: %data (input) is f32[1,3,20000000,224], 13440000000 "
              "elements: more than the 2147483647 (2^31 - 1) elements a Halide buffer can index"}};
  for (const auto& [model, message] : cases) {
    std::vector<std::string> args = {"compile"};
    args.insert(args.end(), model.begin(), model.end());
    args.insert(args.end(), {"-o", dir.file("out"), "--cache-dir", dir.file("fresh")});
    KilnResult r = run_kiln(args);
    EXPECT_EQ(r.status, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("reference interpreter"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("guaranteed to fail"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.file("out")));
    EXPECT_FALSE(fs::exists(dir.file("fresh/kernels"))) << "nothing may be compiled";
  }
}

TEST(CompileCliFlags, OutputIsRequired) {
  KilnResult r = run_kiln({"compile", "nin"});
  EXPECT_EQ(r.status, 2);
}

}  // namespace
}  // namespace kiln::testing
