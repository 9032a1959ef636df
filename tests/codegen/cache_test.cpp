// The kernel cache and reproducibility: a fresh cache compiles everything, a second write of the
// same model compiles nothing, and every write of a plan yields byte-identical files whether its
// objects were compiled just now (serially or in parallel) or came from the cache.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "backend/halide/codegen/file_util.h"
#include "backend/halide/codegen/kernel_cache.h"
#include "tests/runtime/test_artifact.h"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;
using halide::codegen::read_file;

const char* kFiles[] = {"libkiln_model.so", "kiln_model.h", "weights.bin", "manifest.json"};

void expect_identical(const std::string& a, const std::string& b) {
  for (const char* f : kFiles) {
    EXPECT_TRUE(read_file(a + "/" + f) == read_file(b + "/" + f)) << f << " differs";
  }
}

struct ProgressCall {
  int done, total;
  bool hit;
  std::string name;
};

halide::ArtifactInfo write(const std::string& name, const std::string& cache, int jobs,
                           std::vector<ProgressCall>* calls = nullptr) {
  halide::CodegenOptions o;
  o.cache_dir = scratch_dir() + "/" + cache;
  o.jobs = jobs;
  if (calls != nullptr) {
    o.progress = [calls](int d, int t, bool hit, const std::string& n) {
      calls->push_back({d, t, hit, n});
    };
  }
  const halide::ArtifactInfo info =
      write_test_artifact(make_test_model(), scratch_dir() + "/" + name, o);
  std::cout << name << ": " << info.cache_misses << " compiled, " << info.cache_hits
            << " cached, runtime " << (info.runtime_cache_hit ? "cached" : "compiled") << ", "
            << info.compile_seconds << " s compile, " << info.link_seconds << " s link, "
            << info.total_seconds << " s total (jobs " << jobs << ")\n";
  return info;
}

TEST(Cache, SecondWriteCompilesNothingAndFilesAreIdentical) {
  const halide::ArtifactInfo first = write("first", "cache_a", 2);
  EXPECT_EQ(first.cache_misses, 4);
  EXPECT_EQ(first.cache_hits, 0);
  EXPECT_FALSE(first.runtime_cache_hit);
  const halide::ArtifactInfo second = write("second", "cache_a", 2);
  EXPECT_EQ(second.cache_misses, 0);
  EXPECT_EQ(second.cache_hits, 4);
  EXPECT_TRUE(second.runtime_cache_hit);
  expect_identical(scratch_dir() + "/first", scratch_dir() + "/second");
  size_t objects = 0, schedules = 0;
  for (const auto& e : fs::directory_iterator(scratch_dir() + "/cache_a/kernels")) {
    const auto ext = e.path().extension();
    EXPECT_TRUE(ext == ".o" || ext == ".schedule") << e.path() << ": a temp file was left behind";
    ++(ext == ".o" ? objects : schedules);
  }
  EXPECT_EQ(objects, 4u);
  EXPECT_EQ(schedules, 2u);  // the two convs describe their schedules; the layout kernels do not
}

TEST(Cache, SerialFreshCompileIsByteIdentical) {
  write("parallel", "cache_b", 2);
  const halide::ArtifactInfo serial = write("serial", "cache_c", 1);
  EXPECT_EQ(serial.cache_misses, 4);
  expect_identical(scratch_dir() + "/parallel", scratch_dir() + "/serial");
}

TEST(Cache, ProgressReportsEachKernelAndTheRuntimeOnce) {
  std::vector<ProgressCall> fresh, cached;
  write("progress1", "cache_d", 2, &fresh);
  write("progress2", "cache_d", 2, &cached);
  for (const auto* calls : {&fresh, &cached}) {
    ASSERT_EQ(calls->size(), 5u);
    std::set<std::string> names;
    for (size_t i = 0; i < calls->size(); ++i) {
      EXPECT_EQ((*calls)[i].done, static_cast<int>(i) + 1);
      EXPECT_EQ((*calls)[i].total, 5);
      names.insert((*calls)[i].name);
    }
    EXPECT_EQ(names,
              (std::set<std::string>{"kiln_k0_to_blocked", "kiln_k1_conv2d", "kiln_k2_conv2d",
                                     "kiln_k3_global_avg_pool", "halide_runtime"}));
  }
  for (const ProgressCall& c : fresh) EXPECT_FALSE(c.hit) << c.name;
  for (const ProgressCall& c : cached) EXPECT_TRUE(c.hit) << c.name;
}

TEST(Cache, JitFeatureIsDroppedFromTheTarget) {
  const Halide::Target jit = Halide::get_host_target().with_feature(Halide::Target::JIT);
  const std::string dir = scratch_dir() + "/jit";
  write_test_artifact(make_test_model(Variant::kGood, jit), dir);
  const auto manifest = nlohmann::json::parse(read_file(dir + "/manifest.json"));
  EXPECT_EQ(manifest["target"], Halide::get_host_target().to_string());
  // The test plan's signatures embed the plan target (as lowering's do), so only the target
  // string and the weights are compared (not weights.bin's header, which records the library's
  // checksum); the objects are AOT objects either way.
  EXPECT_EQ(read_file(dir + "/weights.bin").substr(64),
            read_file(test_artifact() + "/weights.bin").substr(64));
}

TEST(Cache, KeyDependsOnSignatureAndTarget) {
  using halide::codegen::KernelCache;
  const Halide::Target avx2("x86-64-linux-avx-avx2-fma-sse41");
  const Halide::Target avx512 = avx2.with_feature(Halide::Target::AVX512_Skylake);
  EXPECT_EQ(KernelCache::kernel_key("conv", avx2), KernelCache::kernel_key("conv", avx2));
  EXPECT_NE(KernelCache::kernel_key("conv", avx2), KernelCache::kernel_key("conv2", avx2));
  EXPECT_NE(KernelCache::kernel_key("conv", avx2), KernelCache::kernel_key("conv", avx512));
  EXPECT_NE(KernelCache::runtime_key(avx2), KernelCache::runtime_key(avx512));
  EXPECT_EQ(KernelCache::kernel_key("conv", avx2).size(), 32u);
}

// The build hashes backend/halide's sources into every key (hash_sources.cmake): any edit of a
// kernel source must move the hash, and the same sources must give the same one.
TEST(Cache, KernelSourcesHashFollowsEveryEdit) {
  const std::filesystem::path dir = std::filesystem::path(scratch_dir()) / "sources_hash";
  std::filesystem::create_directories(dir);
  const auto write = [](const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path) << text;
  };
  const auto hash = [&] {
    const std::string script =
        std::string(KILN_SOURCE_DIR) + "/backend/halide/codegen/hash_sources.cmake";
    const std::string cmd =
        std::string(KILN_CMAKE_COMMAND) + " \"-DSOURCES=" + (dir / "a.cpp").string() + ";" +
        (dir / "b.h").string() + "\" -DOUT=" + (dir / "hash.h").string() + " -P " + script;
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    return read_file((dir / "hash.h").string());
  };
  write(dir / "a.cpp", "int schedule = 1;\n");
  write(dir / "b.h", "#pragma once\n");
  const std::string first = hash();
  EXPECT_NE(first.find("#define KILN_KERNEL_SOURCES_HASH \""), std::string::npos) << first;
  EXPECT_EQ(hash(), first);
  write(dir / "a.cpp", "int schedule = 2;\n");
  const std::string edited = hash();
  EXPECT_NE(edited, first);
  write(dir / "a.cpp", "int schedule = 1;\n");
  EXPECT_EQ(hash(), first);
}

TEST(Cache, DefaultDirectoryFollowsXdg) {
  const char* old = std::getenv("XDG_CACHE_HOME");
  const std::string saved = old ? old : "";
  setenv("XDG_CACHE_HOME", "/somewhere", 1);
  EXPECT_EQ(halide::default_cache_dir(), "/somewhere/kiln");
  unsetenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/') {
    EXPECT_EQ(halide::default_cache_dir(), std::string(home) + "/.cache/kiln");
  }
  if (old != nullptr) setenv("XDG_CACHE_HOME", saved.c_str(), 1);
}

}  // namespace
}  // namespace kiln::testing
