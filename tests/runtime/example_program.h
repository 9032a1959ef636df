// Checks shared by the tests that build the docs' C and C++ examples and run them.
#pragma once

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "backend/halide/codegen/subprocess.h"

namespace kiln::testing {

// Runs the example program `exe` on an artifact directory that does not exist, from `cwd`: it
// must exit with status 1 and pass on the runtime's message.
inline void expect_example_reports_missing_artifact(const std::string& exe,
                                                    const std::string& cwd) {
  try {
    halide::codegen::run_command({exe, cwd + "/missing"}, cwd);
    FAIL() << "expected exit status 1";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("exit status 1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
}

}  // namespace kiln::testing
