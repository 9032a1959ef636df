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
