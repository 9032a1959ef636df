#include "backend/halide/codegen/file_util.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
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

namespace {

// ".kiln-staging.<pid>.<n>", as new_staging_dir() names them.
bool is_staging_name(const std::string& name) {
  const std::string prefix = std::string(StagedDir::kStagingPrefix) + ".";
  if (name.rfind(prefix, 0) != 0) return false;
  const size_t dot = name.find('.', prefix.size());
  const auto digits = [&](size_t from, size_t to) {
    return from < to && std::all_of(name.begin() + from, name.begin() + to,
                                    [](char c) { return c >= '0' && c <= '9'; });
  };
  return dot != std::string::npos && digits(prefix.size(), dot) && digits(dot + 1, name.size());
}

std::string new_staging_dir(const std::string& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) throw std::runtime_error("cannot create " + path + ": " + ec.message());
  reap_abandoned_scratch(path, is_staging_name);
  // Not mkdtemp: its 0700 would become the mode of the emit directory moved out of it.
  static std::atomic<int> counter{0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string candidate = path + "/" + StagedDir::kStagingPrefix + "." +
                                  std::to_string(getpid()) + "." + std::to_string(counter++);
    if (fs::create_directory(candidate, ec)) return candidate;
    if (ec) throw std::runtime_error("cannot create " + candidate + ": " + ec.message());
  }
  throw std::runtime_error("cannot create a staging directory in " + path);
}

// <prefix>XXXXXX, as mkdtemp() names them.
bool is_temp_name(const std::string& name, const std::string& prefix) {
  return name.size() == prefix.size() + 6 && name.rfind(prefix, 0) == 0 &&
         std::all_of(name.begin() + prefix.size(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

std::string new_temp_dir(const std::string& prefix) {
  const fs::path tmp = fs::temp_directory_path();
  reap_abandoned_scratch(tmp, [&](const std::string& name) { return is_temp_name(name, prefix); });
  std::string tmpl = (tmp / (prefix + "XXXXXX")).string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    throw std::runtime_error("cannot create a temporary directory " + tmpl + ": " +
                             std::strerror(errno));
  }
  return tmpl;
}

}  // namespace

StagedDir::StagedDir(const std::string& path)
    : path_(path), staging_(new_staging_dir(path)), lock_(staging_) {}

// Entry by entry within one directory: renames there cannot cross file systems, and `path`
// itself (a mount point, a symlink, a directory whose parent is not writable) stays put.
// `last` (the library) goes last, so that until then a loader finds the old one.
void StagedDir::commit(const std::string& last) {
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(staging_))
    if (entry.path().filename() != kScratchLockFile) entries.push_back(entry.path());
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

TempDir::TempDir(const std::string& prefix) : path_(new_temp_dir(prefix)), lock_(path_) {}

}  // namespace kiln::halide::codegen
