// The torchvision ONNX files the tests compare against, made by
// bench/onnx/export_torchvision.py and cached in the build tree under
// onnx-torchvision/<xxh64 of the script>/<model>/: a changed script makes a
// new entry (and older entries are removed), an unchanged one is reused.
// Exporting needs Debian's python3-torch, python3-torchvision, python3-onnx
// and python3-numpy under /usr/bin/python3 (.ci/setup installs them).
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "runtime/checksum.h"

namespace kiln::onnx_test {

inline std::filesystem::path torchvision_script() {
  return std::filesystem::path(KILN_SOURCE_DIR) / "bench/onnx/export_torchvision.py";
}

// 16 hex digits of the script's XXH64: the cache key.
inline std::string torchvision_script_key() {
  std::ifstream in(torchvision_script(), std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  const std::string bytes = text.str();
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(xxh64(bytes.data(), bytes.size())));
  return hex;
}

inline std::filesystem::path torchvision_cache_root() {
  return std::filesystem::path(KILN_BINARY_DIR) / "onnx-torchvision";
}

inline std::filesystem::path torchvision_cache_dir(const std::string& model) {
  return torchvision_cache_root() / torchvision_script_key() / model;
}

// "" when /usr/bin/python3 can import every module, else the Debian package
// of the first one it cannot.
inline std::string missing_torchvision_package() {
  static const std::pair<const char*, const char*> modules[] = {
      {"numpy", "python3-numpy"},
      {"onnx", "python3-onnx"},
      {"torch", "python3-torch"},
      {"torchvision", "python3-torchvision"}};
  for (const auto& [module, package] : modules) {
    const std::string cmd = std::string("/usr/bin/python3 -c 'import ") + module + "' 2>/dev/null";
    if (std::system(cmd.c_str()) != 0) return package;
  }
  return "";
}

// Entries made by other versions of the script. Another test process may be
// exporting a model of the current key at the same time; it is left alone.
inline void remove_stale_torchvision_entries() {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(torchvision_cache_root(), ec))
    if (e.path().filename() != torchvision_script_key()) std::filesystem::remove_all(e.path(), ec);
}

struct TorchvisionExport {
  std::string skip_reason;  // set when the packages are missing
  std::string failure;      // set when the script failed
  double seconds = 0;       // 0 when the cache already had the model
};

// Makes the cache entry when missing. output.npy is the script's last write,
// so its presence marks a complete entry.
inline TorchvisionExport ensure_torchvision_export(const std::string& model) {
  TorchvisionExport r;
  const std::filesystem::path dir = torchvision_cache_dir(model);
  if (std::filesystem::exists(dir / "output.npy")) return r;
  if (const std::string missing = missing_torchvision_package(); !missing.empty()) {
    r.skip_reason = "Debian package " + missing +
                    " is not installed (bash .ci/setup installs it), so torchvision models "
                    "cannot be exported";
    return r;
  }
  const auto start = std::chrono::steady_clock::now();
  const std::string cmd = "/usr/bin/python3 " + torchvision_script().string() + " " +
                          dir.parent_path().string() + " " + model + " >/dev/null";
  if (std::system(cmd.c_str()) != 0) {
    r.failure = "FAILED: " + cmd;
    return r;
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  remove_stale_torchvision_entries();
  return r;
}

}  // namespace kiln::onnx_test
