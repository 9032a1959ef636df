#include "frontend/safetensors.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "ir/error.h"

namespace kiln {

namespace {

using nlohmann::json;

uint64_t load_u64_le(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

std::string u64_le(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

// The data is little-endian on disk; swap in place on a big-endian host.
void to_or_from_le(std::vector<float>& data) {
  if constexpr (std::endian::native == std::endian::big) {
    for (float& f : data) f = std::bit_cast<float>(__builtin_bswap32(std::bit_cast<uint32_t>(f)));
  }
}

std::string shape_str(const std::vector<int64_t>& dims) {
  return TensorType(dims).str();
}

// nlohmann::json keeps only the last of repeated keys, which would drop a
// tensor without a word; the parse callback sees every key.
json parse_rejecting_repeated_names(const std::string& text, const std::string& path) {
  std::unordered_set<std::string> names;
  return json::parse(text, [&](int depth, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::key && depth == 1 &&
        !names.insert(parsed.get<std::string>()).second)
      throw Error(path + ": tensor '" + parsed.get<std::string>() +
                  "' appears twice in the header");
    return true;
  });
}

}  // namespace

SafetensorsReader::SafetensorsReader(const std::string& path) : path_(path) {
  // An ifstream opens a directory and then reports its size as 2^63-1 bytes.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error(path + ": is a directory, not a safetensors file");
  in_.open(path, std::ios::binary);
  if (!in_) throw Error(path + ": cannot open: " + std::strerror(errno));
  in_.seekg(0, std::ios::end);
  std::streamoff end = in_.tellg();
  if (end < 0) throw Error(path + ": cannot read (not a regular file?)");
  auto file_size = static_cast<uint64_t>(end);
  in_.seekg(0);
  unsigned char len_bytes[8];
  if (file_size < 8 || !in_.read(reinterpret_cast<char*>(len_bytes), 8))
    throw Error(path + ": not a safetensors file: " + std::to_string(file_size) +
                " bytes is too short for the 8-byte header length");
  uint64_t header_len = load_u64_le(len_bytes);
  if (header_len > file_size - 8)
    throw Error(path + ": header length " + std::to_string(header_len) + " exceeds the " +
                std::to_string(file_size - 8) + " bytes after it (truncated or not safetensors)");
  std::string header(header_len, '\0');
  if (!in_.read(header.data(), static_cast<std::streamsize>(header_len)))
    throw Error(path + ": cannot read the " + std::to_string(header_len) + "-byte header");
  parse_header(header, 8 + header_len, file_size);
  check_layout(8 + header_len, file_size);
  std::sort(entries_.begin(), entries_.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
}

void SafetensorsReader::parse_header(const std::string& text, uint64_t data_start,
                                     uint64_t file_size) {
  json header;
  try {
    header = parse_rejecting_repeated_names(text, path_);
  } catch (const json::exception& e) {
    throw Error(path_ + ": the header is not valid JSON: " + e.what());
  }
  if (!header.is_object()) throw Error(path_ + ": the header must be a JSON object");
  uint64_t data_size = file_size - data_start;
  for (const auto& [name, info] : header.items()) {
    if (name == "__metadata__") {
      if (!info.is_object()) throw Error(path_ + ": __metadata__ must be an object");
      for (const auto& [k, v] : info.items()) {
        if (!v.is_string())
          throw Error(path_ + ": __metadata__ value '" + k + "' must be a string");
        metadata_[k] = v.get<std::string>();
      }
      continue;
    }
    std::string where = path_ + ": tensor '" + name + "': ";
    if (!info.is_object() || !info.contains("dtype") || !info.contains("shape") ||
        !info.contains("data_offsets"))
      throw Error(where + "needs an object with dtype, shape and data_offsets");
    const json& dtype = info["dtype"];
    if (!dtype.is_string()) throw Error(where + "dtype must be a string");
    if (dtype != "F32")
      throw Error(where + "unsupported dtype " + dtype.get<std::string>() + " (only F32)");
    const json& shape = info["shape"];
    if (!shape.is_array()) throw Error(where + "shape must be an array");
    std::vector<int64_t> dims;
    for (const json& d : shape) {
      if (!d.is_number_unsigned() || d.get<uint64_t>() > uint64_t{1} << 40)
        throw Error(where + "shape " + shape.dump() + " must hold non-negative integers");
      dims.push_back(d.get<int64_t>());
    }
    const json& offsets = info["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
      throw Error(where + "data_offsets " + offsets.dump() + " must be [begin, end]");
    uint64_t begin = offsets[0].get<uint64_t>(), end = offsets[1].get<uint64_t>();
    if (begin > end || end > data_size)
      throw Error(where + "data_offsets " + offsets.dump() + " lie outside the " +
                  std::to_string(data_size) + " bytes of data (truncated file?)");
    const std::optional<int64_t> elements = checked_element_count(dims);
    if (!elements || static_cast<uint64_t>(*elements) * 4 != end - begin)
      throw Error(where + "shape " + shape_str(dims) + " needs " +
                  (elements ? std::to_string(*elements * 4) : "too many") +
                  " bytes but data_offsets " + offsets.dump() + " hold " +
                  std::to_string(end - begin));
    entries_.push_back({name, TensorType(dims), data_start + begin, data_start + end});
  }
}

void SafetensorsReader::check_layout(uint64_t data_start, uint64_t file_size) {
  std::vector<const SafetensorsEntry*> by_offset;
  for (const auto& e : entries_) by_offset.push_back(&e);
  std::sort(by_offset.begin(), by_offset.end(), [](auto* a, auto* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  uint64_t covered = data_start;
  const SafetensorsEntry* prev = nullptr;
  for (const SafetensorsEntry* e : by_offset) {
    if (e->begin < covered)
      throw Error(path_ + ": tensors '" + prev->name + "' and '" + e->name + "' overlap");
    if (e->begin > covered)
      throw Error(path_ + ": " + std::to_string(e->begin - covered) + " bytes before tensor '" +
                  e->name + "' belong to no tensor");
    covered = e->end;
    prev = e;
  }
  if (covered != file_size)
    throw Error(path_ + ": " + std::to_string(file_size - covered) +
                " bytes at the end belong to no tensor");
}

const SafetensorsEntry* SafetensorsReader::find(const std::string& name) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), name,
                             [](const auto& e, const std::string& n) { return e.name < n; });
  return it != entries_.end() && it->name == name ? &*it : nullptr;
}

Tensor SafetensorsReader::read(const SafetensorsEntry& e) {
  Tensor t(e.type);
  in_.clear();
  in_.seekg(static_cast<std::streamoff>(e.begin));
  if (!in_.read(reinterpret_cast<char*>(t.ptr()), static_cast<std::streamsize>(e.end - e.begin)))
    throw Error(path_ + ": tensor '" + e.name + "': cannot read its " +
                std::to_string(e.end - e.begin) + " bytes (file changed while reading?)");
  to_or_from_le(t.data);
  return t;
}

WeightMap SafetensorsReader::read_all() {
  WeightMap out;
  for (const auto& e : entries_) out.emplace(e.name, read(e));
  return out;
}

WeightMap read_safetensors(const std::string& path) {
  return SafetensorsReader(path).read_all();
}

void write_safetensors(const std::string& path, const WeightMap& tensors,
                       const SafetensorsMetadata& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    if (t.size() != t.type.num_elements())
      throw Error(path + ": tensor '" + name + "' has " + std::to_string(t.size()) +
                  " values but its type " + t.type.str() + " holds " +
                  std::to_string(t.type.num_elements()));
    uint64_t bytes = static_cast<uint64_t>(t.size()) * 4;
    header[name] = {
        {"dtype", "F32"}, {"shape", t.dims()}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(path + ": cannot create: " + std::strerror(errno));
  out << u64_le(text.size()) << text;
  for (const auto& [name, t] : tensors) {
    const std::vector<float>* data = &t.data;
    std::vector<float> swapped;
    if constexpr (std::endian::native == std::endian::big) {
      swapped = t.data;
      to_or_from_le(swapped);
      data = &swapped;
    }
    out.write(reinterpret_cast<const char*>(data->data()),
              static_cast<std::streamsize>(data->size() * 4));
  }
  if (!out.flush()) throw Error(path + ": write failed: " + std::strerror(errno));
}

}  // namespace kiln
