// Scratch directories (an artifact's staging directory, a `kiln run` or `kiln bench` scratch
// artifact) outlive a process killed before its destructors run. Their owner holds an exclusive
// flock() on a lock file inside for as long as it lives, so that the next process making one of
// their kind can tell an abandoned one from one in use: the kernel releases the lock however the
// owner ends, and unlike a pid the lock means the same in every pid namespace (and, through the
// NFS lock manager, on every client of a shared directory).
#pragma once

#include <functional>
#include <string>

namespace kiln::halide::codegen {

// The lock file in a scratch directory.
inline constexpr const char* kScratchLockFile = ".kiln-lock";

// Ownership of a scratch directory: locked from construction, removed with its contents on
// destruction.
class ScratchLock {
 public:
  // Takes `dir`, just made by the caller; removes it and throws std::runtime_error when it
  // cannot be locked.
  explicit ScratchLock(std::string dir);
  ~ScratchLock();
  ScratchLock(const ScratchLock&) = delete;
  ScratchLock& operator=(const ScratchLock&) = delete;

 private:
  std::string dir_;
  int fd_ = -1;
};

// Removes the directories in `parent` that `is_scratch` accepts by name and whose owner is gone
// (their lock is free). Never throws: reaping is housekeeping, never a reason to fail.
void reap_abandoned_scratch(const std::string& parent,
                            const std::function<bool(const std::string& name)>& is_scratch);

}  // namespace kiln::halide::codegen
