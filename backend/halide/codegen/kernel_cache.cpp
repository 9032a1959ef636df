#include "backend/halide/codegen/kernel_cache.h"

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "backend/halide/codegen/codegen.h"
#include "kernel_sources_hash.h"
#include "runtime/checksum.h"

namespace kiln::halide::codegen {
namespace {

namespace fs = std::filesystem;

// Bump to invalidate every cached object (e.g. when how objects are compiled changes).
constexpr const char* kCacheFormat = "kiln-object-cache-1";

std::string hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// 128 bits from two seeds of XXH64: ample against accidental collisions of distinct keys.
std::string hash_key(const std::string& material) {
  return hex64(xxh64(material.data(), material.size(), 0)) +
         hex64(xxh64(material.data(), material.size(), 0x6b696c6e));
}

std::string common_material(const char* kind, const Halide::Target& target) {
  return std::string(kCacheFormat) + "\n" + kind + "\nhalide " + halide_version() + "\nkiln " +
         kiln_version() + "\nkernel sources " + KILN_KERNEL_SOURCES_HASH + "\ntarget " +
         target.to_string() + "\n";
}

void make_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create cache directory " + dir + ": " + ec.message());
}

}  // namespace

const char* halide_version() {
  return KILN_HALIDE_VERSION;
}

KernelCache::KernelCache(const std::string& dir) : dir_(dir) {
  make_dir(dir_ + "/kernels");
  make_dir(dir_ + "/runtime");
}

std::string KernelCache::kernel_key(const std::string& signature, const Halide::Target& target) {
  return hash_key(common_material("kernel", target) + "signature " + signature);
}

std::string KernelCache::runtime_key(const Halide::Target& target) {
  return hash_key(common_material("runtime", target));
}

std::string KernelCache::kernel_symbol(const std::string& key) {
  return "kiln_kernel_" + key.substr(0, 16);
}

std::string KernelCache::kernel_path(const std::string& key) const {
  return dir_ + "/kernels/" + key + ".o";
}

std::string KernelCache::runtime_path(const std::string& key) const {
  return dir_ + "/runtime/" + key + ".o";
}

std::string KernelCache::fallback_path(const std::string& key) const {
  return dir_ + "/kernels/" + key + ".fallback";
}

std::string KernelCache::schedule_path(const std::string& key) const {
  return dir_ + "/kernels/" + key + ".schedule";
}

bool KernelCache::contains(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && fs::file_size(path, ec) > 0;
}

}  // namespace kiln::halide::codegen
