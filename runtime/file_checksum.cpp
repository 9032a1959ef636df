#include "runtime/file_checksum.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/checksum.h"
#include "runtime/error.h"

namespace kiln::rt {

// Read through a mapping: at load time dlopen maps the same page-cache pages next.
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

}  // namespace kiln::rt
