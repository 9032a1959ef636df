// The on-disk cache of compiled objects, shared by every model and process of a user:
//   <cache_dir>/kernels/<key>.o   one kernel, compiled with Target::NoRuntime
//   <cache_dir>/kernels/<key>.fallback  present when an autoscheduler could not schedule that
//                                 kernel and it was compiled with its hand schedule: the reason
//   <cache_dir>/kernels/<key>.schedule  what its schedule chose, for kernels that describe it
//   <cache_dir>/runtime/<key>.o   the Halide runtime for one target
// A key hashes everything that determines the object: the kernel signature (op, spec, target,
// schedule), the Halide and Kiln versions, the target string and a hash of the sources that
// generate kernels (backend/halide/*: a changed schedule never reuses an old object). Objects are
// compiled under a symbol derived from the key rather than the plan's function name, so the same
// kernel is shared by models that number their kernels differently. Entries are written by rename,
// so readers see complete objects or none.
#pragma once

#include <string>

#include "Halide.h"

namespace kiln::halide::codegen {

class KernelCache {
 public:
  explicit KernelCache(const std::string& dir);  // creates the directories

  static std::string kernel_key(const std::string& signature, const Halide::Target& target);
  static std::string runtime_key(const Halide::Target& target);
  // The C symbol a cached kernel object defines (plus "<symbol>_argv", "<symbol>_metadata").
  static std::string kernel_symbol(const std::string& key);

  std::string kernel_path(const std::string& key) const;
  std::string runtime_path(const std::string& key) const;
  // Written before the kernel's object, so an object without it was scheduled as asked.
  std::string fallback_path(const std::string& key) const;
  // What the kernel's schedule chose (schedule_description.h), written before its object.
  std::string schedule_path(const std::string& key) const;
  static bool contains(const std::string& path);

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

// Halide version the cache keys and manifests record, e.g. "14.0.0".
const char* halide_version();

}  // namespace kiln::halide::codegen
