// Filesystem helpers of code generation: files appear atomically (temp file + rename), so a
// crashed or concurrent compile never leaves a half-written cache object or artifact file.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>

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
// artifact as it was. The staging directory is removed in any case, and those that killed
// compiles left in `path` (their process gone) when the next one starts.
class StagedDir {
 public:
  // Names in `path` that are staging directories (a crashed build may leave one).
  static constexpr const char* kStagingPrefix = ".kiln-staging";

  // Creates `path` and the staging directory in it (throws std::runtime_error).
  explicit StagedDir(const std::string& path);
  ~StagedDir();
  StagedDir(const StagedDir&) = delete;
  StagedDir& operator=(const StagedDir&) = delete;

  const std::string& staging() const { return staging_; }
  const std::string& path() const { return path_; }
  // Moves every staged entry into `path`, replacing the same-named ones; `last` (a loader's
  // entry point) goes last.
  void commit(const std::string& last);

 private:
  std::string path_, staging_;
};

// A fresh private directory, removed with its contents on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace kiln::halide::codegen
