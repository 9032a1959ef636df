// The files write_artifact produces for the hand-built test plan: the library's exports and
// plan table, weights.bin, manifest.json and kiln_model.h.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <regex>

#include "backend/halide/codegen/file_util.h"
#include "backend/halide/codegen/plan_check.h"
#include "backend/halide/codegen/subprocess.h"
#include "runtime/checksum.h"
#include "runtime/kiln_plan.h"
#include "runtime/weights_format.h"
#include "tests/runtime/test_artifact.h"

namespace kiln::testing {
namespace {

using halide::codegen::read_file;
using halide::codegen::run_command;

class Artifact : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    model_ = new TestModel(make_test_model());
    dir_ = new std::string(scratch_dir() + "/artifact");
    info_ = new halide::ArtifactInfo(write_test_artifact(*model_, *dir_));
  }
  static void TearDownTestSuite() {
    delete model_;
    delete dir_;
    delete info_;
  }
  void TearDown() override {
    if (handle_ != nullptr) dlclose(handle_);
  }
  const kiln_plan& plan() {
    handle_ = dlopen((*dir_ + "/libkiln_model.so").c_str(), RTLD_NOW | RTLD_LOCAL);
    EXPECT_NE(handle_, nullptr) << dlerror();
    auto fn = reinterpret_cast<kiln_model_plan_fn>(dlsym(handle_, "kiln_model_plan"));
    EXPECT_NE(fn, nullptr);
    return *fn();
  }

  static TestModel* model_;
  static std::string* dir_;
  static halide::ArtifactInfo* info_;
  void* handle_ = nullptr;
};

TestModel* Artifact::model_ = nullptr;
std::string* Artifact::dir_ = nullptr;
halide::ArtifactInfo* Artifact::info_ = nullptr;

TEST_F(Artifact, Info) {
  EXPECT_EQ(info_->library, *dir_ + "/libkiln_model.so");
  EXPECT_EQ(info_->kernels, 4);
  EXPECT_EQ(info_->cache_hits + info_->cache_misses, 4);
  EXPECT_EQ(info_->arena_bytes, model_->plan.arena_floats * 4);
  EXPECT_EQ(info_->intermediate_bytes, model_->plan.intermediate_floats * 4);
  EXPECT_TRUE(info_->emitted.empty());
  EXPECT_GT(info_->total_seconds, 0);
}

TEST_F(Artifact, WeightsAreRealignedAndChecksummed) {
  const std::string bytes = read_file(info_->weights);
  weights_format::Header h;
  ASSERT_GE(bytes.size(), sizeof h);
  std::memcpy(&h, bytes.data(), sizeof h);
  EXPECT_EQ(std::memcmp(h.magic, "KILNWGTS", 8), 0);
  EXPECT_EQ(h.header_bytes, 64u);
  EXPECT_EQ(h.payload_bytes + 64, bytes.size());
  EXPECT_EQ(h.checksum, xxh64(bytes.data() + 64, h.payload_bytes));
  EXPECT_EQ(h.checksum, info_->weights_checksum);
  const auto* payload = reinterpret_cast<const float*>(bytes.data() + 64);
  const kiln_plan& p = plan();
  for (int t = 0; t < p.num_tensors; ++t) {
    const kiln_plan_tensor& x = p.tensors[t];
    if (x.storage != KILN_STORAGE_WEIGHTS) continue;
    EXPECT_EQ(x.offset % 16, 0) << x.name << " is not 64-byte aligned";
    const PlanTensor& src = model_->plan.tensors[t];
    EXPECT_EQ(std::memcmp(payload + x.offset, model_->plan.weights_blob.data() + src.offset,
                          halide::codegen::span_floats(src) * 4),
              0)
        << x.name;
  }
}

// The runtime verifies the library against this before dlopen.
TEST_F(Artifact, WeightsRecordTheLibrarysChecksum) {
  const std::string bytes = read_file(info_->weights), library = read_file(info_->library);
  weights_format::Header h;
  ASSERT_GE(bytes.size(), sizeof h);
  std::memcpy(&h, bytes.data(), sizeof h);
  EXPECT_EQ(h.version, 2u);
  EXPECT_EQ(h.library_checksum, xxh64(library.data(), library.size()));
  EXPECT_EQ(h.library_checksum, info_->library_checksum);
  EXPECT_EQ(h.padding, 0u);
  const auto j = nlohmann::json::parse(read_file(info_->manifest));
  EXPECT_EQ(j["library_checksum"], checksum_hex(h.library_checksum));
}

TEST_F(Artifact, PlanTable) {
  const kiln_plan& p = plan();
  EXPECT_EQ(p.abi_version, KILN_PLAN_ABI_VERSION);
  EXPECT_EQ(p.struct_size, sizeof(kiln_plan));
  EXPECT_STREQ(p.kiln_version, halide::kiln_version());
  EXPECT_EQ(std::string(p.target), Halide::get_host_target().to_string());
  ASSERT_EQ(p.num_steps, 4);
  EXPECT_STREQ(p.steps[1].kernel, "kiln_k1_conv2d");
  ASSERT_EQ(p.steps[1].num_layers, 2);
  EXPECT_STREQ(p.steps[1].layers[1], "relu1");
  EXPECT_EQ(p.steps[1].flops, model_->conv1.flops());
  const kiln_plan_tensor& view = p.tensors[5];
  EXPECT_STREQ(view.name, "relu1.view");
  EXPECT_EQ(view.alias_of, 4);
  EXPECT_EQ(view.storage, KILN_STORAGE_ARENA);
  ASSERT_EQ(p.num_outputs, 1);
  EXPECT_EQ(p.outputs[0].rank, 2);
  EXPECT_EQ(p.outputs[0].shape[1], 10);
  EXPECT_EQ(p.arena_bytes, model_->plan.arena_floats * 4);
  EXPECT_NE(p.set_error_handler, nullptr);
  EXPECT_NE(p.set_do_par_for, nullptr);
}

TEST_F(Artifact, ExportsOnlyKilnSymbols) {
  plan();
  EXPECT_NE(dlsym(handle_, "kiln_k1_conv2d"), nullptr);
  EXPECT_NE(dlsym(handle_, "kiln_k1_conv2d_argv"), nullptr);
  EXPECT_EQ(dlsym(handle_, "halide_set_custom_do_par_for"), nullptr);  // the runtime stays private
  EXPECT_EQ(dlsym(handle_, "halide_malloc"), nullptr);
}

TEST_F(Artifact, KernelForwarderRunsTheKernel) {
  plan();
  using Fn = int (*)(halide_buffer_t*, halide_buffer_t*);
  auto to_blocked = reinterpret_cast<Fn>(dlsym(handle_, "kiln_k0_to_blocked"));
  ASSERT_NE(to_blocked, nullptr);
  const int V = model_->plan.block;
  const std::vector<float> in = test_input();
  Halide::Buffer<float> plain(const_cast<float*>(in.data()), {10, 10, 3, 1});
  Halide::Buffer<float> blocked = halide::make_blocked(1, 3, 10, 10, V);
  ASSERT_EQ(to_blocked(plain.raw_buffer(), blocked.raw_buffer()), 0);
  std::vector<float> want(halide::blocked_size(1, 3, 10, 10, V));
  halide::nchw_to_blocked(in.data(), 1, 3, 10, 10, V, want.data());
  EXPECT_EQ(std::memcmp(blocked.data(), want.data(), want.size() * 4), 0);
}

TEST_F(Artifact, Manifest) {
  const auto j = nlohmann::json::parse(read_file(info_->manifest));
  EXPECT_EQ(j["kiln_version"], halide::kiln_version());
  EXPECT_EQ(j["halide_version"], "14.0.0");
  EXPECT_EQ(j["target"], Halide::get_host_target().to_string());
  EXPECT_EQ(j["inputs"][0]["name"], "data");
  EXPECT_EQ(j["inputs"][0]["shape"], nlohmann::json({1, 3, 10, 10}));
  EXPECT_EQ(j["outputs"][0]["shape"], nlohmann::json({1, 10}));
  EXPECT_EQ(j["arena_bytes"], model_->plan.arena_floats * 4);
  EXPECT_EQ(j["intermediate_bytes"], model_->plan.intermediate_floats * 4);
  ASSERT_EQ(j["kernels"].size(), 4u);
  EXPECT_EQ(j["kernels"][1]["function"], "kiln_k1_conv2d");
  EXPECT_EQ(j["kernels"][1]["signature"], model_->plan.kernels[1].signature);
  EXPECT_EQ(j["kernels"][1]["arguments"], 4);
  // What the hand schedule chose, recorded where the kernel was built and kept in the cache
  // (the cache tests check that a cached build's manifest is byte-identical); only convs
  // describe theirs.
  EXPECT_TRUE(std::regex_match(j["kernels"][1]["schedule"].get<std::string>(),
                               std::regex("(avx512|avx2) rows[0-9]* tile [0-9]+x[0-9]+.*")))
      << j["kernels"][1];
  EXPECT_FALSE(j["kernels"][0].contains("schedule")) << j["kernels"][0];
  EXPECT_EQ(j["steps"][1]["layers"], nlohmann::json({"conv1", "relu1"}));
  EXPECT_EQ(j["weights_bytes"], info_->weights_bytes);
}

TEST_F(Artifact, HeaderCompilesAsC) {
  const std::string src = scratch_dir() + "/uses_header.c";
  halide::codegen::write_file_atomic(
      src, {"#include <stdint.h>\n#include \"kiln_model.h\"\n"
            "_Static_assert(KILN_MODEL_NUM_INPUTS == 1, \"inputs\");\n"
            "_Static_assert(KILN_MODEL_INPUT0_SIZE == 300, \"size\");\n"
            "_Static_assert(KILN_MODEL_OUTPUT0_RANK == 2, \"rank\");\n"
            "static const int64_t shape[] = KILN_MODEL_INPUT0_SHAPE;\n"
            "float image[KILN_MODEL_INPUT0_SIZE];\n"
            "const char* name = KILN_MODEL_OUTPUT0_NAME;\n"
            "int64_t first(void) { return shape[0] + (int64_t)sizeof image; }\n"});
  run_command({"cc", "-std=c11", "-Wall", "-Werror", "-fsyntax-only", "-I" + *dir_, src},
              scratch_dir());
  const std::string header = read_file(info_->header);
  EXPECT_NE(header.find("input  0  data  [1, 3, 10, 10]"), std::string::npos) << header;
}

}  // namespace
}  // namespace kiln::testing
