// Runs the built `kiln` binary as a subprocess, the way a user would, and
// captures its exit status and output; plus a scratch directory per test.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tests/scratch_dir.h"

namespace kiln::testing {

struct KilnResult {
  int status = -1;  // exit status; -1 when the process did not exit normally
  std::string out;
  std::string err;
};

// `kiln args...`, run from the source tree so that relative model paths and
// zoo names resolve as in a developer's shell; `env` is added to the
// environment.
KilnResult run_kiln(const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env = {});

// The same from the working directory `cwd`, where a bare MODEL name is a path first.
KilnResult run_kiln_in(const std::string& cwd, const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {});

// The same for any built program (a benchmark binary, say), given by path.
KilnResult run_program(const std::string& program, const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {});

std::string read_file(const std::string& path);

// Number of non-overlapping occurrences of `needle` in `haystack`.
int count_of(const std::string& haystack, const std::string& needle);

}  // namespace kiln::testing
