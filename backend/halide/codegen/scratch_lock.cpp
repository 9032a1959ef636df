#include "backend/halide/codegen/scratch_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "backend/halide/codegen/file_util.h"

namespace kiln::halide::codegen {

namespace fs = std::filesystem;

namespace {

std::string lock_path(const std::string& dir) {
  return dir + "/" + kScratchLockFile;
}

// The lock file is locked before it takes its name: a reaper opening it in between would find
// it free and remove the directory of a live owner. O_CLOEXEC: a compiler kiln starts must not
// hold the lock of a kiln that has died.
int create_locked(const std::string& dir) {
  const std::string temp = temp_sibling(lock_path(dir));
  const int fd = ::open(temp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 || ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot lock the scratch directory " + dir + ": " + why);
  }
  try {
    commit_file(temp, lock_path(dir));
  } catch (...) {
    ::close(fd);
    throw;
  }
  return fd;
}

// Removes `dir`, whose lock `fd` holds, and closes `fd`. The lock file goes last, so that a
// process killed halfway through leaves a directory the next reaper still recognises, and only
// once released: NFS keeps an open file that is unlinked as .nfsXXXX, and the directory would
// stay. A reaper taking the lock in that moment removes what is left, as harmlessly.
void remove_locked(const std::string& dir, int fd) {
  std::vector<fs::path> entries;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().filename() != kScratchLockFile) entries.push_back(it->path());
  for (const fs::path& entry : entries) fs::remove_all(entry, ec);  // never follows symlinks
  ::close(fd);
  fs::remove(lock_path(dir), ec);
  fs::remove(dir, ec);
}

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// The lock of `dir` when its owner is gone (taken), else -1.
int lock_abandoned(const std::string& dir) {
  // Not a symlink: it could lead anywhere. Not another user's: theirs to reap (a sticky /tmp
  // would not let us anyway), and nobody else can swap ours for a symlink once checked.
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) return -1;
  // One without a lock file stays: its owner may be about to lock it, or be a kiln from before
  // these locks, maybe on another host (whose clock an age limit would have to trust). Such
  // leftovers of older versions are a one-off for the user to delete.
  const int fd = ::open(lock_path(dir).c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return -1;
  // The file opened may since have been removed by its owner or another reaper, and the name
  // reused by a new owner: only a free lock on the lock file still in place means abandoned.
  struct stat held, named;
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::fstat(fd, &held) == 0 &&
      ::lstat(lock_path(dir).c_str(), &named) == 0 && same_file(held, named))
    return fd;
  ::close(fd);
  return -1;
}

}  // namespace

ScratchLock::ScratchLock(std::string dir) : dir_(std::move(dir)) {
  try {
    fd_ = create_locked(dir_);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    throw;
  }
}

ScratchLock::~ScratchLock() {
  remove_locked(dir_, fd_);
}

void reap_abandoned_scratch(const std::string& parent,
                            const std::function<bool(const std::string& name)>& is_scratch) {
  std::vector<std::string> candidates;
  std::error_code ec;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec))
    if (is_scratch(it->path().filename().string())) candidates.push_back(it->path().string());
  for (const std::string& dir : candidates) {
    const int fd = lock_abandoned(dir);
    if (fd >= 0) remove_locked(dir, fd);
  }
}

}  // namespace kiln::halide::codegen
