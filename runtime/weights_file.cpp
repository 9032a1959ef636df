#include "runtime/weights_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/checksum.h"
#include "runtime/error.h"
#include "runtime/weights_format.h"

namespace kiln::rt {
namespace {

namespace wf = weights_format;

// Closes the descriptor however loading ends.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

// Reads `bytes` at `offset` in full; an early end of file is a truncated file.
void read_at(int fd, void* dst, uint64_t bytes, uint64_t offset, const std::string& path) {
  auto* out = static_cast<unsigned char*>(dst);
  while (bytes > 0) {
    const ssize_t got = pread(fd, out, bytes, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw Error("cannot read " + path + ": " + std::strerror(errno));
    if (got == 0) throw Error(path + " is truncated: it ended while being read");
    out += got;
    offset += static_cast<uint64_t>(got);
    bytes -= static_cast<uint64_t>(got);
  }
}

// Checks the header against the file's size: whether it is a sound weights file of this version.
void check_header(const wf::Header& h, const std::string& path, uint64_t file_bytes) {
  if (std::memcmp(h.magic, wf::kMagic, sizeof h.magic) != 0) {
    throw Error(path + " is not a Kiln weights file (bad magic)");
  }
  if (h.version != wf::kVersion) {
    throw Error(path + " has weights format version " + std::to_string(h.version) +
                ", this runtime reads version " + std::to_string(wf::kVersion) +
                ": recompile the model");
  }
  // The version fixes both fields, so another value is damage rather than a newer format.
  if (h.header_bytes != sizeof(wf::Header)) {
    throw Error(path + " is corrupted: its header says it is " + std::to_string(h.header_bytes) +
                " bytes long, version " + std::to_string(wf::kVersion) + " headers are " +
                std::to_string(sizeof(wf::Header)));
  }
  if (h.alignment != wf::kAlignment) {
    throw Error(path + " is corrupted: its header gives a payload alignment of " +
                std::to_string(h.alignment) + " bytes, version " + std::to_string(wf::kVersion) +
                " uses " + std::to_string(wf::kAlignment));
  }
  // A corrupt payload size must not wrap the sum around to a plausible length.
  uint64_t want_file = 0;
  if (__builtin_add_overflow(h.header_bytes, h.payload_bytes, &want_file)) {
    throw Error(path + " is corrupted: its header claims a payload of " +
                std::to_string(h.payload_bytes) + " bytes, more than any file holds");
  }
  if (want_file > file_bytes) {
    throw Error(path + " is truncated: " + std::to_string(file_bytes) + " bytes, expected " +
                std::to_string(want_file));
  }
  if (file_bytes > want_file) {
    throw Error(path + " has " + std::to_string(file_bytes - want_file) +
                " unexpected trailing bytes");
  }
}

// Whether the weights are those the plan was generated with.
void check_belongs_to_plan(const wf::Header& h, const std::string& path, uint64_t expected_bytes,
                           uint64_t expected_checksum) {
  if (h.payload_bytes != expected_bytes || h.checksum != expected_checksum) {
    throw Error(path + " does not belong to this model: it holds " +
                std::to_string(h.payload_bytes) + " bytes with checksum " +
                checksum_hex(h.checksum) + ", the model expects " + std::to_string(expected_bytes) +
                " bytes with checksum " + checksum_hex(expected_checksum));
  }
}

// A descriptor for the caller's Fd.
int open_weights(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) throw Error(path + " is missing: the artifact is incomplete");
    throw Error("cannot open " + path + ": " + std::strerror(errno));
  }
  return fd;
}

// Reads the header of the open file and checks it against the file's size.
wf::Header read_header(int fd, const std::string& path) {
  struct stat st {};
  if (fstat(fd, &st) != 0) throw Error("cannot stat " + path + ": " + std::strerror(errno));
  const auto file_bytes = static_cast<uint64_t>(st.st_size);
  wf::Header h;
  if (file_bytes < sizeof h) {
    throw Error(path + " is truncated: " + std::to_string(file_bytes) +
                " bytes, shorter than its " + std::to_string(sizeof h) + "-byte header");
  }
  read_at(fd, &h, sizeof h, 0, path);
  check_header(h, path, file_bytes);
  return h;
}

}  // namespace

uint64_t recorded_library_checksum(const std::string& path) {
  const Fd file{open_weights(path)};
  return read_header(file.fd, path).library_checksum;
}

LoadedWeights::LoadedWeights(const std::string& path, uint64_t expected_bytes,
                             uint64_t expected_checksum) {
  const Fd file{open_weights(path)};
  const wf::Header h = read_header(file.fd, path);
  check_belongs_to_plan(h, path, expected_bytes, expected_checksum);
  if (h.payload_bytes > 0) {
    memory_ = LargePageMemory(h.payload_bytes, LargePageMemory::Populate::kByCaller);
    read_at(file.fd, memory_.data(), h.payload_bytes, h.header_bytes, path);
  }
  const void* payload = h.payload_bytes > 0 ? memory_.data() : static_cast<const void*>(&h);
  const uint64_t actual = xxh64(payload, h.payload_bytes);
  if (actual != h.checksum) {
    throw Error(path + " is corrupted: payload checksum " + checksum_hex(actual) +
                ", header says " + checksum_hex(h.checksum));
  }
  // Read-only from here, as the file mapping was: a kernel writing to its weights is a bug, and
  // should fault rather than corrupt the model.
  if (h.payload_bytes > 0 && mprotect(memory_.data(), memory_.bytes(), PROT_READ) != 0) {
    throw Error("cannot make the weights of " + path + " read-only: " + std::strerror(errno));
  }
  payload_bytes_ = h.payload_bytes;
}

}  // namespace kiln::rt
