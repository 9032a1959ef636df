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

// A directory built under a temporary sibling name of `path` and moved into place whole by
// commit(), so that a build failing halfway never leaves new files mixed with an old
// directory's; the staging directory is removed unless committed.
class StagedDir {
 public:
  // Creates the staging directory (throws std::runtime_error).
  explicit StagedDir(const std::string& path);
  ~StagedDir();
  StagedDir(const StagedDir&) = delete;
  StagedDir& operator=(const StagedDir&) = delete;

  const std::string& staging() const { return staging_; }
  const std::string& path() const { return path_; }
  // Replaces `path` (moved aside, then removed) with the staging directory.
  void commit();

 private:
  std::string path_, staging_;
  bool committed_ = false;
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
