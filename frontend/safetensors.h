// The safetensors format (https://github.com/huggingface/safetensors):
//   8-byte little-endian header length N, N bytes of JSON
//   {"<name>": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]},
//    ..., "__metadata__": {"key": "value"}}
//   then the raw little-endian data; offsets are relative to its start.
// Only F32 tensors are supported. Reading validates the whole header before
// any data is read, so a bad file fails fast and names the tensor at fault.
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "ir/tensor.h"

namespace kiln {

using SafetensorsMetadata = std::map<std::string, std::string>;

struct SafetensorsEntry {
  std::string name;
  TensorType type;
  // Absolute byte range in the file.
  uint64_t begin = 0, end = 0;
};

// Opens a file and validates its header: the header length fits the file, the
// JSON parses, every tensor is F32 with a non-negative shape whose byte count
// matches its offsets, the ranges lie inside the data, do not overlap and
// cover it without gaps (as the reference implementation requires). Tensor
// data is read on demand. Errors are kiln::Error naming the file and tensor.
class SafetensorsReader {
 public:
  explicit SafetensorsReader(const std::string& path);

  const std::string& path() const { return path_; }
  // Sorted by name.
  const std::vector<SafetensorsEntry>& entries() const { return entries_; }
  const SafetensorsEntry* find(const std::string& name) const;
  const SafetensorsMetadata& metadata() const { return metadata_; }

  Tensor read(const SafetensorsEntry& e);
  WeightMap read_all();

 private:
  void parse_header(const std::string& json, uint64_t data_start, uint64_t file_size);
  void check_layout(uint64_t data_start, uint64_t file_size);

  std::string path_;
  std::ifstream in_;
  std::vector<SafetensorsEntry> entries_;
  SafetensorsMetadata metadata_;
};

// Reads every tensor.
WeightMap read_safetensors(const std::string& path);
// Writes tensors in name order, the header padded with spaces to a multiple
// of 8 bytes so that the data is aligned. Throws kiln::Error when the file
// cannot be written.
void write_safetensors(const std::string& path, const WeightMap& tensors,
                       const SafetensorsMetadata& metadata = {});

}  // namespace kiln
