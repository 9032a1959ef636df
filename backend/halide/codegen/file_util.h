// Filesystem helpers of code generation: files appear atomically (temp file + rename), so a
// crashed or concurrent compile never leaves a half-written cache object or artifact file.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>

#include "backend/halide/codegen/scratch_lock.h"

namespace kiln::halide::codegen {

// A temporary file name next to `path`, unique to this process and call.
std::string temp_sibling(const std::string& path);

// Writes the concatenation of `parts` to `path` atomically; throws std::runtime_error.
void write_file_atomic(const std::string& path, std::initializer_list<std::string_view> parts);

// Copies `from` over `to` atomically.
void copy_file_atomic(const std::string& from, const std::string& to);

// Renames a finished temp file into place; throws std::runtime_error with both names.
void commit_file(const std::string& temp, const std::string& path);

std::string read_file(const std::string& path);

// An artifact directory's contents, built in a staging directory inside `path` (created if
// absent) and moved into place by commit(), so that a build failing halfway leaves an existing
// artifact as it was. The staging directory is removed in any case; those of killed compiles
// (see ScratchLock), when the next compile into `path` starts.
class StagedDir {
 public:
  // Names in `path` that are staging directories (a crashed build may leave one).
  static constexpr const char* kStagingPrefix = ".kiln-staging";

  // Creates `path` and the staging directory in it (throws std::runtime_error).
  explicit StagedDir(const std::string& path);

  const std::string& staging() const { return staging_; }
  const std::string& path() const { return path_; }
  // Moves every staged entry into `path`, replacing the same-named ones; `last` (a loader's
  // entry point) goes last.
  void commit(const std::string& last);

 private:
  std::string path_, staging_;
  ScratchLock lock_;
};

// A fresh private directory <tmp>/<prefix>XXXXXX, removed with its contents on destruction;
// those of killed processes (see ScratchLock), when the next one with `prefix` is made.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix);
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
  ScratchLock lock_;
};

}  // namespace kiln::halide::codegen
