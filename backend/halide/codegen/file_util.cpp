#include "backend/halide/codegen/file_util.h"

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

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
  // Not mkdtemp: its 0700 would become the artifact's mode.
  for (int attempt = 0; attempt < 100 && staging_.empty(); ++attempt) {
    const std::string candidate = temp_sibling(path);
    std::error_code ec;
    if (fs::create_directory(candidate, ec)) staging_ = candidate;
    if (ec) throw std::runtime_error("cannot create " + candidate + ": " + ec.message());
  }
  if (staging_.empty()) throw std::runtime_error("cannot create a staging directory for " + path);
}

StagedDir::~StagedDir() {
  std::error_code ec;
  if (!committed_) fs::remove_all(staging_, ec);
}

void StagedDir::commit() {
  // rename() cannot replace a non-empty directory: the old one moves aside first. Between the
  // two renames `path` is briefly absent, never half old and half new.
  const std::string old = temp_sibling(path_) + ".old";
  std::error_code ec;
  const bool had_old = fs::exists(path_, ec);
  if (had_old) {
    fs::rename(path_, old, ec);
    if (ec) throw std::runtime_error("cannot move " + path_ + " aside: " + ec.message());
  }
  fs::rename(staging_, path_, ec);
  if (ec) {
    std::error_code ignored;
    if (had_old) fs::rename(old, path_, ignored);
    throw std::runtime_error("cannot move " + staging_ + " to " + path_ + ": " + ec.message());
  }
  committed_ = true;
  if (had_old) fs::remove_all(old, ec);
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
