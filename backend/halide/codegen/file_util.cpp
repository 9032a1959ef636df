#include "backend/halide/codegen/file_util.h"

#include <signal.h>
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

namespace {

// The process that made the staging directory `name` (".kiln-staging.<pid>.<n>"), or 0 when
// `name` is not a staging directory's.
pid_t staging_owner(const std::string& name) {
  const std::string prefix = std::string(StagedDir::kStagingPrefix) + ".";
  if (name.rfind(prefix, 0) != 0) return 0;
  const char* digits = name.c_str() + prefix.size();
  char* end = nullptr;
  const long pid = std::strtol(digits, &end, 10);
  return end != digits && *end == '.' && pid > 0 ? static_cast<pid_t>(pid) : 0;
}

// A compile killed by a signal runs no destructor and leaves its staging directory, a whole
// artifact's worth, behind: the next compile into `path` removes those whose process is gone.
// Those of live processes (EPERM: another user's) may be compiles in progress.
void remove_orphaned_staging(const std::string& path) {
  std::vector<fs::path> orphans;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    const pid_t owner = staging_owner(entry.path().filename().string());
    if (owner != 0 && ::kill(owner, 0) != 0 && errno == ESRCH) orphans.push_back(entry.path());
  }
  for (const fs::path& orphan : orphans) fs::remove_all(orphan, ec);
}

}  // namespace

StagedDir::StagedDir(const std::string& path) : path_(path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) throw std::runtime_error("cannot create " + path + ": " + ec.message());
  remove_orphaned_staging(path);
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
