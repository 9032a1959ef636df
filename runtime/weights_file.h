// weights.bin read into the model's own memory and verified against the plan that references it
// (format: runtime/weights_format.h). Kernels read weights from that copy.
//
// Why a copy on 2 MiB pages (runtime/large_pages.h), not a mapping of the file: the late layers
// of a CNN stream megabytes of weights per run from memory, and where a mapping's page-cache
// pages lie is up to the OS and the file's history. Measured on ResNet-50 at two threads (two
// alternating rounds): an artifact written an hour earlier ran 27.3-27.7 ms mapped, 24.7 ms
// from a copy; a freshly written one 23.8-24.3 ms either way. The price is a private copy per
// loaded model (no sharing of the file's pages between processes) and load time (ResNet-50:
// 100-450 ms against 40 ms mapped, mostly the OS assembling 2 MiB pages).
#pragma once

#include <cstdint>
#include <string>

#include "runtime/large_pages.h"

namespace kiln::rt {

inline constexpr const char* kWeightsFile = "weights.bin";

// The checksum of libkiln_model.so that `path`'s header recorded at compile time (after checking
// that the header is sound); throws rt::Error as LoadedWeights does.
uint64_t recorded_library_checksum(const std::string& path);

class LoadedWeights {
 public:
  // Reads `path`; throws rt::Error if it is missing, truncated, corrupted, or not the weights
  // the plan was generated with (payload size and checksum recorded in the plan).
  LoadedWeights(const std::string& path, uint64_t expected_bytes, uint64_t expected_checksum);

  // The 2 MiB-aligned payload, or nullptr when the model has no weights.
  float* data() const { return static_cast<float*>(memory_.data()); }
  uint64_t bytes() const { return payload_bytes_; }

 private:
  LargePageMemory memory_;
  uint64_t payload_bytes_ = 0;
};

}  // namespace kiln::rt
