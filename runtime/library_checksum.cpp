#include "runtime/library_checksum.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/checksum.h"
#include "runtime/error.h"
#include "runtime/weights_file.h"

namespace kiln::rt {
namespace {

// XXH64 of the file's bytes, read through a mapping: dlopen maps the same page-cache pages next.
uint64_t file_checksum(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot open " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    const int saved = errno;
    close(fd);
    throw Error("cannot stat " + path + ": " + std::strerror(saved));
  }
  const auto bytes = static_cast<size_t>(st.st_size);
  void* data = bytes > 0 ? mmap(nullptr, bytes, PROT_READ, MAP_PRIVATE, fd, 0) : nullptr;
  const int saved = errno;
  close(fd);
  if (data == MAP_FAILED) throw Error("cannot map " + path + ": " + std::strerror(saved));
  const uint64_t sum = xxh64(data, bytes);
  if (data != nullptr) munmap(data, bytes);
  return sum;
}

}  // namespace

void check_library_checksum(const std::string& library_path, const std::string& weights_path) {
  const uint64_t recorded = recorded_library_checksum(weights_path);
  const uint64_t actual = file_checksum(library_path);
  if (actual == recorded) return;
  throw Error(library_path +
              " does not match the checksum recorded at compile time: the artifact is damaged or "
              "was modified (its XXH64 is " +
              checksum_hex(actual) + ", " + weights_path + " records " + checksum_hex(recorded) +
              "; a weights.bin from another compile records that compile's library)");
}

}  // namespace kiln::rt
