// write_artifact's failures: malformed plans are rejected before any compilation, and compile or
// link failures name the kernel or the command together with its diagnostics.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <map>

#include "backend/halide/codegen/file_util.h"
#include "tests/codegen/scratch_owner.h"
#include "tests/runtime/test_artifact.h"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;

std::string write_error(const Plan& plan, halide::CodegenOptions o = {}) {
  if (o.cache_dir.empty()) o.cache_dir = shared_cache_dir();
  try {
    halide::write_artifact(plan, scratch_dir() + "/errors_out", o);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

void expect_invalid(const Plan& plan, const std::string& fragment) {
  try {
    halide::write_artifact(plan, scratch_dir() + "/invalid_out", {});
    FAIL() << "expected: " << fragment;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(scratch_dir() + "/invalid_out"));
}

TEST(CodegenErrors, MalformedPlans) {
  {
    TestModel m = make_test_model();
    m.plan.kernels[1].function_name = "conv.1";
    expect_invalid(m.plan, "kernel name 'conv.1' is not a usable C symbol");
  }
  {
    TestModel m = make_test_model();
    m.plan.tensors[5].alias_of = 5;
    expect_invalid(m.plan, "tensor 5 'relu1.view' is part of an alias cycle");
  }
  {
    TestModel m = make_test_model();
    m.plan.steps[2].args[0] = 99;
    expect_invalid(m.plan, "step 2 bad tensor id");
  }
  {
    TestModel m = make_test_model();
    m.plan.arena_floats -= 1;
    expect_invalid(m.plan, "'relu1' extends past the end of its storage");
  }
  {
    TestModel m = make_test_model();
    m.plan.weights_blob.resize(100);
    expect_invalid(m.plan, "extends past the end of its storage");
  }
  {
    TestModel m = make_test_model();
    m.plan.outputs.clear();
    expect_invalid(m.plan, "'scores' has storage output but is not a plan output");
  }
  {
    TestModel m = make_test_model();
    m.plan.steps.push_back(m.plan.steps[1]);
    m.plan.steps.back().args.pop_back();
    expect_invalid(m.plan, "passes 3 arguments to kiln_k1_conv2d, another step 4");
  }
}

// Used to say only "has a bad extent or stride in dimension 2", not which limit was broken.
TEST(CodegenErrors, TensorsPastHalidesIndexLimitNameIt) {
  {
    TestModel m = make_test_model();
    m.plan.tensors[0].extents = {224, 20000000, 3, 1};
    m.plan.tensors[0].strides = {1, 224, 4480000000, 13440000000};
    expect_invalid(m.plan,
                   "tensor 0 'data' holds 13440000000 elements, more than the 2147483647 "
                   "(2^31 - 1) elements a Halide buffer can index");
  }
  {
    TestModel m = make_test_model();
    m.plan.tensors[5].strides[3] = int64_t{1} << 31;  // few elements, one huge step
    expect_invalid(m.plan, "tensor 5 'relu1.view' spans " +
                               std::to_string(int64_t{m.plan.tensors[5].extents[3]} << 31) +
                               " elements in dimension 3 (extent " +
                               std::to_string(m.plan.tensors[5].extents[3]) +
                               " x stride 2147483648), more than the 2147483647");
  }
  {
    TestModel m = make_test_model();
    m.plan.tensors[1].extents[2] = 0;
    expect_invalid(m.plan, "tensor 1 'data.blocked' has extent 0 in dimension 2");
  }
}

TEST(CodegenErrors, UserContextTargetIsRejected) {
  const Halide::Target t = Halide::get_host_target().with_feature(Halide::Target::UserContext);
  expect_invalid(make_test_model(Variant::kGood, t).plan, "has user_context");
}

TEST(CodegenErrors, FailingKernelBuildNamesTheKernel) {
  TestModel m = make_test_model();
  m.plan.kernels[2].signature += "-throws";
  m.plan.kernels[2].build = [](const Halide::Target&, const std::string&) -> Halide::Module {
    throw std::runtime_error("no schedule for this shape");
  };
  const std::string err = write_error(m.plan);
  EXPECT_NE(err.find("kiln_k2_conv2d"), std::string::npos) << err;
  EXPECT_NE(err.find("no schedule for this shape"), std::string::npos) << err;
}

TEST(CodegenErrors, BuildIgnoringTheFunctionName) {
  TestModel m = make_test_model();
  auto build = m.plan.kernels[0].build;
  m.plan.kernels[0].signature += "-misnamed";
  m.plan.kernels[0].build = [build](const Halide::Target& t, const std::string&) {
    return build(t, "some_other_name");
  };
  const std::string err = write_error(m.plan);
  EXPECT_NE(err.find("did not name its function"), std::string::npos) << err;
}

TEST(CodegenErrors, CrashingWorker) {
  TestModel m = make_test_model();
  m.plan.kernels[3].signature += "-crashes";
  m.plan.kernels[3].build = [](const Halide::Target&, const std::string&) -> Halide::Module {
    std::raise(SIGKILL);
    return Halide::Module("unreachable", Halide::Target());
  };
  const std::string err = write_error(m.plan);
  EXPECT_NE(err.find("kiln_k3_global_avg_pool"), std::string::npos) << err;
  EXPECT_NE(err.find("worker died from signal 9 (Killed)"), std::string::npos) << err;
}

TEST(CodegenErrors, CompilerFailureQuotesItsStderr) {
  const std::string fake_cc = scratch_dir() + "/fake-cc";
  halide::codegen::write_file_atomic(
      fake_cc, {"#!/bin/sh\necho \"fake-cc: cannot compile $*\" >&2\nexit 3\n"});
  fs::permissions(fake_cc, fs::perms::owner_all);
  halide::CodegenOptions o;
  o.cc = fake_cc;
  const std::string err = write_error(make_test_model().plan, o);
  EXPECT_NE(err.find("failed (exit status 3)"), std::string::npos) << err;
  EXPECT_NE(err.find("fake-cc: cannot compile -std=c99 -O2 -fPIC"), std::string::npos) << err;
}

TEST(CodegenErrors, MissingLinker) {
  halide::CodegenOptions o;
  o.cxx = "/no/such/c++";
  const std::string err = write_error(make_test_model().plan, o);
  EXPECT_NE(err.find("cannot run `/no/such/c++ -shared"), std::string::npos) << err;
  EXPECT_NE(err.find("No such file or directory"), std::string::npos) << err;
}

// The files of `dir` by name, with their contents.
std::map<std::string, std::string> files_of(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::directory_iterator(dir))
    files[entry.path().filename().string()] = halide::codegen::read_file(entry.path().string());
  return files;
}

// A link failing over an existing artifact used to leave its old library next to new weights,
// header and manifest: a directory no runtime could use. It must stay as it was.
TEST(CodegenErrors, FailedLinkLeavesTheOldArtifactWhole) {
  const std::string dir = scratch_dir() + "/replaced";
  write_test_artifact(make_test_model(), dir);
  const std::map<std::string, std::string> before = files_of(dir);
  halide::CodegenOptions o;
  o.cxx = "/no/such/c++";
  EXPECT_THROW(write_test_artifact(make_test_model(Variant::kOtherWeights), dir, o),
               std::runtime_error);
  EXPECT_EQ(files_of(dir), before);  // no staging directory left in it either
  const halide::ArtifactInfo info =
      write_test_artifact(make_test_model(Variant::kOtherWeights), dir);
  EXPECT_NE(files_of(dir).at("weights.bin"), before.at("weights.bin"));
  EXPECT_EQ(info.library, dir + "/libkiln_model.so");
}

// -o may be a symlink (or a mount point, or a directory whose parent is read-only): the
// artifact goes into it, and the path stays what it was.
TEST(CodegenErrors, ArtifactGoesIntoASymlinkedDirectory) {
  const std::string target = scratch_dir() + "/real_dir", link = scratch_dir() + "/linked";
  fs::create_directories(target);
  fs::create_directory_symlink(target, link);
  write_test_artifact(make_test_model(), link);
  write_test_artifact(make_test_model(Variant::kOtherWeights), link);
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_TRUE(fs::exists(target + "/libkiln_model.so"));
  EXPECT_EQ(files_of(target), files_of(link));
}

TEST(CodegenErrors, WillNotReplaceADirectoryOfOtherFiles) {
  const std::string dir = scratch_dir() + "/user_files";
  fs::create_directories(dir);
  halide::codegen::write_file_atomic(dir + "/notes.txt", {"mine"});
  try {
    write_test_artifact(make_test_model(), dir);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("it holds 'notes.txt', which is not part of a Kiln "
                                         "artifact"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(halide::codegen::read_file(dir + "/notes.txt"), "mine");
}

// The pid of a process that has exited (and been reaped).
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

// A compile killed by a signal (no destructors run) used to leave its staging directory, a whole
// artifact, behind for good: the next compile into the directory removes it. It leaves those
// still locked, compiles in progress, even when their pid is none here (another pid namespace's
// or host's); and those without a lock, which may be an older kiln's.
TEST(CodegenErrors, NextCompileRemovesTheStagingOfAKilledOne) {
  const std::string dir = scratch_dir() + "/killed_compile";
  write_test_artifact(make_test_model(), dir);
  const std::string prefix = dir + "/" + halide::codegen::StagedDir::kStagingPrefix + ".";
  const std::string killed = prefix + "1.0", elsewhere = prefix + std::to_string(dead_pid()) + ".0",
                    unlocked = prefix + "1.1";
  ScratchOwner killed_compile(killed), compile_elsewhere(elsewhere);
  killed_compile.kill();
  fs::create_directories(unlocked);
  write_test_artifact(make_test_model(), dir);
  EXPECT_FALSE(fs::exists(killed));
  EXPECT_TRUE(fs::exists(elsewhere + "/weights.bin"));
  EXPECT_TRUE(fs::exists(unlocked));
}

}  // namespace
}  // namespace kiln::testing
