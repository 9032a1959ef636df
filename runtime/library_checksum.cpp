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
  throw Error(library_path +
              " does not match the checksum recorded at compile time: the artifact is damaged or "
              "was modified (its XXH64 is " +
              checksum_hex(actual) + ", " + weights_path + " records " + checksum_hex(recorded) +
              "; a weights.bin from another compile records that compile's library)");
}

}  // namespace kiln::rt
