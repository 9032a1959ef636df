#include "runtime/weights_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "runtime/checksum.h"
#include "runtime/error.h"
#include "runtime/weights_format.h"

namespace kiln::rt {
namespace {

namespace wf = weights_format;

std::string hex(uint64_t v) {
  char buf[19];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Closes the descriptor however map() leaves; the mapping outlives it.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

MappedWeights::MappedWeights(const std::string& path, uint64_t expected_bytes,
                             uint64_t expected_checksum) {
  map(path);
  try {
    verify(path, expected_bytes, expected_checksum);
  } catch (...) {
    munmap(mapping_, file_bytes_);
    throw;
  }
}

MappedWeights::~MappedWeights() {
  if (mapping_ != nullptr) munmap(mapping_, file_bytes_);
}

void MappedWeights::map(const std::string& path) {
  Fd file{open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) {
    if (errno == ENOENT) throw Error(path + " is missing: the artifact is incomplete");
    throw Error("cannot open " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (fstat(file.fd, &st) != 0) throw Error("cannot stat " + path + ": " + std::strerror(errno));
  file_bytes_ = static_cast<uint64_t>(st.st_size);
  if (file_bytes_ < sizeof(wf::Header)) {
    throw Error(path + " is truncated: " + std::to_string(file_bytes_) +
                " bytes, shorter than its " + std::to_string(sizeof(wf::Header)) + "-byte header");
  }
  // Read-only: a kernel writing to its weights would be a bug, and the pages stay shareable.
  void* m = mmap(nullptr, file_bytes_, PROT_READ, MAP_PRIVATE, file.fd, 0);
  if (m == MAP_FAILED) throw Error("cannot map " + path + ": " + std::strerror(errno));
  mapping_ = m;
}

void MappedWeights::verify(const std::string& path, uint64_t expected_bytes,
                           uint64_t expected_checksum) {
  wf::Header h;
  std::memcpy(&h, mapping_, sizeof h);
  if (std::memcmp(h.magic, wf::kMagic, sizeof h.magic) != 0) {
    throw Error(path + " is not a Kiln weights file (bad magic)");
  }
  if (h.version != wf::kVersion || h.header_bytes != sizeof(wf::Header) ||
      h.alignment != wf::kAlignment) {
    throw Error(path + " has weights format version " + std::to_string(h.version) +
                ", this runtime reads version " + std::to_string(wf::kVersion));
  }
  // Compared by subtraction: a corrupt payload size must not overflow the sum.
  const uint64_t want_file = h.header_bytes + h.payload_bytes;
  if (h.payload_bytes > file_bytes_ - h.header_bytes) {
    throw Error(path + " is truncated: " + std::to_string(file_bytes_) + " bytes, expected " +
                std::to_string(want_file));
  }
  if (file_bytes_ > want_file) {
    throw Error(path + " has " + std::to_string(file_bytes_ - want_file) +
                " unexpected trailing bytes");
  }
  if (h.payload_bytes != expected_bytes || h.checksum != expected_checksum) {
    throw Error(path + " does not belong to this model: it holds " +
                std::to_string(h.payload_bytes) + " bytes with checksum " + hex(h.checksum) +
                ", the model expects " + std::to_string(expected_bytes) + " bytes with checksum " +
                hex(expected_checksum));
  }
  auto* payload = static_cast<unsigned char*>(mapping_) + h.header_bytes;
  const uint64_t actual = xxh64(payload, h.payload_bytes);
  if (actual != h.checksum) {
    throw Error(path + " is corrupted: payload checksum " + hex(actual) + ", header says " +
                hex(h.checksum));
  }
  payload_bytes_ = h.payload_bytes;
  payload_ = h.payload_bytes > 0 ? reinterpret_cast<float*>(payload) : nullptr;
}

}  // namespace kiln::rt
