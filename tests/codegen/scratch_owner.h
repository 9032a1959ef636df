// A scratch directory owned by another process, which a test can kill: what a compile running
// elsewhere (or killed) looks like to a reaper.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "backend/halide/codegen/file_util.h"
#include "backend/halide/codegen/scratch_lock.h"

namespace kiln::testing {

class ScratchOwner {
 public:
  // Forks a child that makes `dir`, locks it, writes a file in it and waits to be killed.
  explicit ScratchOwner(const std::string& dir) {
    int ready[2];
    if (::pipe(ready) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) own(dir, ready[1]);
    ::close(ready[1]);
    char byte = 0;
    const bool owning = ::read(ready[0], &byte, 1) == 1;
    ::close(ready[0]);
    if (!owning) throw std::runtime_error("the owner of " + dir + " failed");
  }
  ~ScratchOwner() { kill(); }
  ScratchOwner(const ScratchOwner&) = delete;
  ScratchOwner& operator=(const ScratchOwner&) = delete;

  // SIGKILL, as a user or the OOM killer would: no destructor runs, the directory stays.
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  [[noreturn]] static void own(const std::string& dir, int ready) {
    try {
      std::filesystem::create_directory(dir);
      halide::codegen::ScratchLock lock(dir);
      halide::codegen::write_file_atomic(dir + "/weights.bin", {"half-written"});
      const char byte = 1;
      if (::write(ready, &byte, 1) != 1) ::_exit(1);
      for (;;) ::pause();
    } catch (...) {
      ::_exit(1);
    }
  }

  pid_t pid_ = -1;
};

}  // namespace kiln::testing
