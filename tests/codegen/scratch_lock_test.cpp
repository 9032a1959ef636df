// Reaping scratch directories: only those whose owner is gone (its lock free), only those of the
// kind asked for, and never through a symlink.
#include "backend/halide/codegen/scratch_lock.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/codegen/scratch_owner.h"
#include "tests/scratch_dir.h"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;
using halide::codegen::reap_abandoned_scratch;
using halide::codegen::ScratchLock;

bool any_name(const std::string&) {
  return true;
}

bool mine(const std::string& name) {
  return name.rfind("mine-", 0) == 0;
}

TEST(ScratchLock, ADirectoryIsReapedOnlyOnceItsOwnerIsGone) {
  ScratchDir parent;
  const std::string dir = parent.file("scratch");
  ScratchOwner owner(dir);
  reap_abandoned_scratch(parent.path(), any_name);
  EXPECT_TRUE(fs::exists(dir + "/weights.bin"));
  owner.kill();
  EXPECT_TRUE(fs::exists(dir + "/weights.bin"));
  reap_abandoned_scratch(parent.path(), any_name);
  EXPECT_FALSE(fs::exists(dir));
}

// flock() locks belong to an open file, not a process: one of this process's own is held too.
TEST(ScratchLock, TheOwnerRemovesItsDirectoryAtTheEnd) {
  ScratchDir parent;
  const std::string dir = parent.file("scratch");
  {
    fs::create_directory(dir);
    ScratchLock lock(dir);
    parent.write("scratch/weights.bin", "half-written");
    reap_abandoned_scratch(parent.path(), any_name);
    EXPECT_TRUE(fs::exists(dir + "/weights.bin"));
  }
  EXPECT_FALSE(fs::exists(dir));
}

TEST(ScratchLock, ReapsNothingButAbandonedDirectoriesOfItsKind) {
  ScratchDir parent;
  ScratchOwner(parent.file("mine-1")).kill();
  ScratchOwner(parent.file("other-1")).kill();
  ScratchOwner(parent.file("target")).kill();
  fs::create_directory_symlink(parent.file("target"), parent.file("mine-link"));
  fs::create_directory(parent.file("mine-unlocked"));  // its owner about to lock it, say
  parent.write("mine-file", "text");
  reap_abandoned_scratch(parent.path(), mine);
  EXPECT_FALSE(fs::exists(parent.file("mine-1")));
  EXPECT_TRUE(fs::exists(parent.file("other-1/weights.bin")));
  EXPECT_TRUE(fs::is_symlink(parent.file("mine-link")));
  EXPECT_TRUE(fs::exists(parent.file("target/weights.bin")));
  EXPECT_TRUE(fs::exists(parent.file("mine-unlocked")));
  EXPECT_TRUE(fs::exists(parent.file("mine-file")));
}

}  // namespace
}  // namespace kiln::testing
