#include "backend/halide/codegen/file_util.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace kiln::halide::codegen {

namespace fs = std::filesystem;

std::string temp_sibling(const std::string& path) {
  static std::atomic<int> counter{0};
  return path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(counter++);
}

void commit_file(const std::string& temp, const std::string& path) {
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw std::runtime_error("cannot move " + temp + " to " + path + ": " + ec.message());
  }
}

void write_file_atomic(const std::string& path, std::initializer_list<std::string_view> parts) {
  const std::string temp = temp_sibling(path);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    for (std::string_view part : parts) out.write(part.data(), part.size());
    if (!out.flush()) {
      std::error_code ec;
      fs::remove(temp, ec);
      throw std::runtime_error("cannot write " + temp + ": " + std::strerror(errno));
    }
  }
  commit_file(temp, path);
}

void copy_file_atomic(const std::string& from, const std::string& to) {
  const std::string temp = temp_sibling(to);
  std::error_code ec;
  fs::copy_file(from, temp, fs::copy_options::overwrite_existing, ec);
  if (ec) throw std::runtime_error("cannot copy " + from + " to " + temp + ": " + ec.message());
  commit_file(temp, to);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

StagedDir::StagedDir(const std::string& path) : path_(path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) throw std::runtime_error("cannot create " + path + ": " + ec.message());
  // Not mkdtemp: its 0700 would become the mode of the emit directory moved out of it.
  static std::atomic<int> counter{0};
  for (int attempt = 0; attempt < 100 && staging_.empty(); ++attempt) {
    const std::string candidate = path + "/" + kStagingPrefix + "." + std::to_string(getpid()) +
                                  "." + std::to_string(counter++);
    if (fs::create_directory(candidate, ec)) staging_ = candidate;
    if (ec) throw std::runtime_error("cannot create " + candidate + ": " + ec.message());
  }
  if (staging_.empty()) throw std::runtime_error("cannot create a staging directory in " + path);
}

StagedDir::~StagedDir() {
  std::error_code ec;
  fs::remove_all(staging_, ec);
}

// Entry by entry within one directory: renames there cannot cross file systems, and `path`
// itself (a mount point, a symlink, a directory whose parent is not writable) stays put.
// `last` (the library) goes last, so that until then a loader finds the old one.
void StagedDir::commit(const std::string& last) {
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(staging_)) entries.push_back(entry.path());
  std::stable_partition(entries.begin(), entries.end(),
                        [&](const fs::path& p) { return p.filename() != last; });
  for (const fs::path& from : entries) {
    const fs::path to = fs::path(path_) / from.filename();
    std::error_code ec;
    if (fs::is_directory(from)) fs::remove_all(to, ec);  // rename() cannot replace a full one
    fs::rename(from, to, ec);
    if (ec)
      throw std::runtime_error("cannot move " + from.string() + " to " + to.string() + ": " +
                               ec.message());
  }
}

TempDir::TempDir(const std::string& prefix) {
  std::string tmpl = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    throw std::runtime_error("cannot create a temporary directory " + tmpl + ": " +
                             std::strerror(errno));
  }
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace kiln::halide::codegen
