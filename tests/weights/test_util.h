// Scratch files for the weights tests.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>

#include "ir/error.h"
#include "tests/scratch_dir.h"

namespace kiln::testing {

// A fresh directory per test, removed afterwards.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = std::make_unique<ScratchDir>("kiln-weights-test-"); }
  void TearDown() override { dir_.reset(); }

  std::string path(const std::string& name) const { return dir_->file(name); }

  static std::string read_bytes(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static void write_bytes(const std::string& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
  }

 private:
  std::unique_ptr<ScratchDir> dir_;
};

// The message of the kiln::Error `f` throws; fails the test when it throws
// nothing.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a kiln::Error";
  return "";
}

}  // namespace kiln::testing
