// Directories that tests write into, removed with their contents when the test is done.
#pragma once

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace kiln::testing {

class ScratchDir {
 public:
  // A fresh private directory under the system temp dir, <tmp>/<prefix>XXXXXX.
  explicit ScratchDir(const std::string& prefix = "kiln-test-") {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("cannot create " + pattern + ": " + std::strerror(errno));
    path_ = pattern;
  }
  ~ScratchDir() {
    if (keep_) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  // path()/name
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes `text` to path()/name and returns that path.
  std::string write(const std::string& name, const std::string& text) const {
    const std::string p = file(name);
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 protected:
  // `path`, emptied and created; kept at the end when `keep`.
  ScratchDir(std::string path, bool keep) : path_(std::move(path)), keep_(keep) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }

 private:
  std::string path_;
  bool keep_ = false;
};

}  // namespace kiln::testing
