// weights.bin mapped read-only into memory and verified against the plan that references it
// (format: runtime/weights_format.h). Kernels read weights straight from the mapping.
#pragma once

#include <cstdint>
#include <string>

namespace kiln::rt {

inline constexpr const char* kWeightsFile = "weights.bin";

class MappedWeights {
 public:
  // Maps `path`; throws rt::Error if it is missing, truncated, corrupted, or not the weights
  // the plan was generated with (payload size and checksum recorded in the plan).
  MappedWeights(const std::string& path, uint64_t expected_bytes, uint64_t expected_checksum);
  ~MappedWeights();
  MappedWeights(const MappedWeights&) = delete;
  MappedWeights& operator=(const MappedWeights&) = delete;

  // The 64-byte aligned payload, or nullptr when the model has no weights.
  float* data() const { return payload_; }
  uint64_t bytes() const { return payload_bytes_; }

 private:
  void map(const std::string& path);
  void verify(const std::string& path, uint64_t expected_bytes, uint64_t expected_checksum);

  void* mapping_ = nullptr;
  uint64_t file_bytes_ = 0;
  float* payload_ = nullptr;
  uint64_t payload_bytes_ = 0;
};

}  // namespace kiln::rt
