#include "runtime/elf_check.h"

#include <elf.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "runtime/error.h"

namespace kiln::rt {
namespace {

constexpr uint64_t kPastAnyFile = std::numeric_limits<uint64_t>::max();

// The end of `count` entries of `size` bytes at `offset`; kPastAnyFile when that overflows, so
// that corrupt header fields read as "needs more than the file" rather than wrapping around.
uint64_t end_of(uint64_t offset, uint64_t count, uint64_t size) {
  uint64_t bytes = 0, end = 0;
  if (__builtin_mul_overflow(count, size, &bytes) || __builtin_add_overflow(offset, bytes, &end)) {
    return kPastAnyFile;
  }
  return end;
}

class ElfFile {
 public:
  explicit ElfFile(const std::string& path) : path_(path), in_(path, std::ios::binary) {
    std::error_code ec;
    size_ = std::filesystem::file_size(path, ec);
    if (ec) throw Error("cannot read " + path + ": " + ec.message());
    if (!in_) throw Error("cannot open " + path + ": " + std::strerror(errno));
  }

  // Throws unless the first `end` bytes exist.
  void need(uint64_t end) const {
    if (end <= size_) return;
    const std::string needs = end == kPastAnyFile ? "more than 2^64" : std::to_string(end);
    throw Error(path_ + " is truncated or not a shared library (" + std::to_string(size_) +
                " bytes, needs " + needs + ")");
  }

  uint64_t size() const { return size_; }

  [[noreturn]] void malformed(const std::string& why) const {
    throw Error(path_ + " is not a shared library: " + why);
  }

  template <typename T>
  T read(uint64_t offset) {
    need(end_of(offset, 1, sizeof(T)));
    T value;
    in_.seekg(static_cast<std::streamoff>(offset));
    if (!in_.read(reinterpret_cast<char*>(&value), sizeof value)) {
      throw Error("cannot read " + path_ + " at offset " + std::to_string(offset));
    }
    return value;
  }

 private:
  std::string path_;
  std::ifstream in_;
  uint64_t size_ = 0;
};

// Only what this runtime could load: a 64-bit shared object of this host's byte order.
void check_identity(ElfFile& f, const Elf64_Ehdr& h) {
  if (std::memcmp(h.e_ident, ELFMAG, SELFMAG) != 0) f.malformed("no ELF header");
  if (h.e_ident[EI_CLASS] != ELFCLASS64) f.malformed("not a 64-bit ELF file");
  const int native = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB;
  if (h.e_ident[EI_DATA] != native) f.malformed("ELF file of the other byte order");
  if (h.e_type != ET_DYN) f.malformed("ELF type " + std::to_string(h.e_type) + ", not ET_DYN");
}

// The end of the program header table, checking its shape.
uint64_t program_headers_end(ElfFile& f, const Elf64_Ehdr& h) {
  if (h.e_phnum == 0) f.malformed("no program headers");
  if (h.e_phentsize != sizeof(Elf64_Phdr)) f.malformed("unexpected program header size");
  return end_of(h.e_phoff, h.e_phnum, sizeof(Elf64_Phdr));
}

// The end of the last segment's bytes in the file: these are what the loader maps.
uint64_t segments_end(ElfFile& f, const Elf64_Ehdr& h) {
  uint64_t end = 0;
  for (uint64_t i = 0; i < h.e_phnum; ++i) {
    const auto ph = f.read<Elf64_Phdr>(h.e_phoff + i * sizeof(Elf64_Phdr));
    if (ph.p_filesz > 0) end = std::max(end, end_of(ph.p_offset, 1, ph.p_filesz));
  }
  return end;
}

// The section header table sits at the very end of a linked library, so it is the part a cut
// file loses first even when every segment survived.
uint64_t section_headers_end(ElfFile& f, const Elf64_Ehdr& h) {
  if (h.e_shoff == 0) return 0;
  if (h.e_shentsize != sizeof(Elf64_Shdr)) f.malformed("unexpected section header size");
  // With 0 in e_shnum the count lives in section 0's sh_size (more than 0xff00 sections).
  const uint64_t count = h.e_shnum != 0 ? h.e_shnum : f.read<Elf64_Shdr>(h.e_shoff).sh_size;
  return end_of(h.e_shoff, count, sizeof(Elf64_Shdr));
}

}  // namespace

void check_elf_complete(const std::string& path) {
  ElfFile f(path);
  const auto header = f.read<Elf64_Ehdr>(0);
  check_identity(f, header);
  const uint64_t program_headers = program_headers_end(f, header);
  // Segments can only be read when their table is there; either way the message gives the most
  // the file is known to need, which for a cut library is its full length.
  uint64_t needed = std::max(program_headers, section_headers_end(f, header));
  if (program_headers <= f.size()) needed = std::max(needed, segments_end(f, header));
  f.need(needed);
}

}  // namespace kiln::rt
