#include "runtime/library_checksum.h"

#include "runtime/checksum.h"
#include "runtime/error.h"
#include "runtime/file_checksum.h"
#include "runtime/weights_file.h"

namespace kiln::rt {

void check_library_checksum(const std::string& library_path, const std::string& weights_path) {
  const uint64_t recorded = recorded_library_checksum(weights_path);
  const uint64_t actual = file_checksum(library_path);
  if (actual == recorded) return;
  // Not "the library is damaged": a weights.bin copied from another compile fails here first,
  // and nothing tells which of the two files is the odd one out.
  throw Error(library_path + " and " + weights_path +
              " do not belong together: the library's checksum differs from the one weights.bin "
              "recorded at compile time (one of them is damaged, was modified, or comes from "
              "another compile; the library's XXH64 is " +
              checksum_hex(actual) + ", weights.bin records " + checksum_hex(recorded) + ")");
}

}  // namespace kiln::rt
