#include "frontend/driver/output_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "ir/error.h"

namespace fs = std::filesystem;

namespace kiln::driver {

namespace {

// `p` or the closest of its ancestors that exists ("." for a relative path none of whose
// components exist): what creating `p` depends on.
fs::path nearest_existing(fs::path p) {
  std::error_code ec;
  while (!fs::exists(p, ec)) {
    fs::path parent = p.parent_path();
    if (parent.empty()) return ".";
    if (parent == p) return p;
    p = parent;
  }
  return p;
}

// Throws unless `dir` is a directory this process may create entries in.
void check_writable_dir(const std::string& option, const std::string& target, const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    const std::string what = dir == fs::path(target) ? "it exists and" : "'" + dir.string() + "'";
    throw Error(option + ": cannot write to '" + target + "': " + what + " is not a directory");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw Error(option + ": cannot write to '" + target + "': '" + dir.string() +
                "': " + std::strerror(errno));
}

}  // namespace

void write_text_output(const std::string& text, const std::string& path) {
  if (path.empty() || path == "-") {
    std::cout << text << std::flush;
    return;
  }
  std::ofstream out(path, std::ios::binary);
  if (out) out << text;
  if (!out || !out.flush()) throw Error("cannot write '" + path + "': " + std::strerror(errno));
}

void check_output_file(const std::string& option, const std::string& path) {
  if (path.empty() || path == "-") return;
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw Error(option + ": cannot write to '" + path + "': it is a directory");
  if (fs::exists(path, ec)) {
    if (::access(path.c_str(), W_OK) != 0)
      throw Error(option + ": cannot write to '" + path + "': " + std::strerror(errno));
    return;
  }
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  if (!fs::exists(parent, ec))
    throw Error(option + ": cannot write to '" + path + "': no directory '" + parent.string() +
                "'");
  check_writable_dir(option, path, parent);
}

void check_output_dir(const std::string& option, const std::string& dir) {
  if (dir.empty()) return;
  check_writable_dir(option, dir, nearest_existing(dir));
}

}  // namespace kiln::driver
