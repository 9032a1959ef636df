// A scratch directory for tests that compile kernels ahead of time and load them with dlopen:
// skipped without a C++ compiler to link with; the directory and the loaded library go away
// after each test.
#pragma once

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace kiln::halide {

class AotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("c++ --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no C++ compiler";
    const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = std::filesystem::temp_directory_path() /
           ("kiln_aot_" + test + "_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (handle_ != nullptr) dlclose(handle_);
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
  void* handle_ = nullptr;  // the library a test dlopen()ed, closed after it
};

}  // namespace kiln::halide
