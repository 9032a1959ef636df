#include "frontend/npy.h"

#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <vector>

#include "ir/error.h"

namespace kiln {

namespace {

constexpr std::string_view kMagic = "\x93NUMPY";

// The header is a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// This reads the subset numpy writes: string keys, and string, boolean or
// integer-tuple values.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& file) : s_(text), file_(file) {}

  struct Header {
    std::optional<std::string> descr;
    std::optional<bool> fortran_order;
    std::optional<std::vector<int64_t>> shape;
  };

  Header parse() {
    Header h;
    expect('{');
    while (!accept('}')) {
      std::string key = string_literal();
      expect(':');
      if (key == "descr") {
        h.descr = string_literal();
      } else if (key == "fortran_order") {
        h.fortran_order = boolean();
      } else if (key == "shape") {
        h.shape = int_tuple();
      } else {
        fail("unexpected key '" + key + "'");
      }
      if (!accept(',')) {
        expect('}');
        break;
      }
    }
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& what) {
    throw Error(file_ + ": malformed .npy header (" + what + "): " + std::string(s_));
  }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n')) ++pos_;
  }
  bool accept(char c) {
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == c) return ++pos_, true;
    return false;
  }
  void expect(char c) {
    if (!accept(c)) fail(std::string("expected '") + c + "'");
  }
  bool accept_word(std::string_view w) {
    skip_space();
    if (s_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }
  std::string string_literal() {
    skip_space();
    if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"')) fail("expected a string");
    char quote = s_[pos_++];
    size_t end = s_.find(quote, pos_);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string out(s_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return out;
  }
  bool boolean() {
    if (accept_word("True")) return true;
    if (accept_word("False")) return false;
    fail("expected True or False");
  }
  std::vector<int64_t> int_tuple() {
    std::vector<int64_t> out;
    expect('(');
    while (!accept(')')) {
      skip_space();
      size_t start = pos_;
      int64_t v = 0;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
        if (v > (int64_t{1} << 40)) fail("dimension too large");
        v = v * 10 + (s_[pos_++] - '0');
      }
      if (pos_ == start) fail("expected a dimension");
      accept('L');  // Python 2 long suffix
      out.push_back(v);
      if (!accept(',')) {
        expect(')');
        break;
      }
    }
    return out;
  }

  std::string_view s_;
  const std::string& file_;
  size_t pos_ = 0;
};

uint32_t load_le(std::string_view bytes, size_t at, int width) {
  uint32_t v = 0;
  for (int i = width - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
  return v;
}

template <typename T>
T load_value(const char* p) {
  using Bits = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
  Bits bits = 0;
  for (int i = sizeof(T) - 1; i >= 0; --i) bits = (bits << 8) | static_cast<unsigned char>(p[i]);
  return std::bit_cast<T>(bits);
}

std::string shape_tuple(const std::vector<int64_t>& dims) {
  std::string s = "(";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + (dims.size() == 1 ? ",)" : ")");
}

}  // namespace

Tensor parse_npy(std::string_view bytes, const std::string& name) {
  if (bytes.size() < 10 || bytes.substr(0, kMagic.size()) != kMagic)
    throw Error(name + ": not a .npy file (bad magic string)");
  int major = static_cast<unsigned char>(bytes[6]);
  if (major < 1 || major > 3)
    throw Error(name + ": unsupported .npy format version " + std::to_string(major) + "." +
                std::to_string(static_cast<unsigned char>(bytes[7])));
  size_t len_width = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + len_width) throw Error(name + ": truncated .npy header");
  size_t header_start = 8 + len_width;
  size_t header_len = load_le(bytes, 8, static_cast<int>(len_width));
  if (header_len > bytes.size() - header_start)
    throw Error(name + ": truncated .npy header (" + std::to_string(header_len) +
                " bytes declared, " + std::to_string(bytes.size() - header_start) + " present)");
  auto h = HeaderParser(bytes.substr(header_start, header_len), name).parse();
  if (!h.descr || !h.fortran_order || !h.shape)
    throw Error(name + ": the .npy header needs descr, fortran_order and shape");
  if (*h.fortran_order)
    throw Error(name + ": fortran_order arrays are not supported (save a C-order copy)");
  size_t item = *h.descr == "<f4" ? 4 : *h.descr == "<f8" ? 8 : 0;
  if (!item) throw Error(name + ": unsupported dtype '" + *h.descr + "' (only '<f4' and '<f8')");

  TensorType type(*h.shape);
  size_t data_start = header_start + header_len;
  size_t present = bytes.size() - data_start;
  // Counted with an overflow guard before anything is allocated.
  size_t needed = item;
  bool overflow = false;
  for (int64_t d : type.dims) overflow |= __builtin_mul_overflow(needed, d, &needed);
  if (overflow || present != needed)
    throw Error(name + ": " + type.str() + " (" + *h.descr + ") needs " +
                (overflow ? "too many" : std::to_string(needed)) + " bytes of data, the file has " +
                std::to_string(present) +
                (overflow || present < needed ? " (truncated)" : " (trailing bytes)"));
  Tensor t(type);
  const char* p = bytes.data() + data_start;
  for (size_t i = 0; i < t.data.size(); ++i)
    t.data[i] = item == 4 ? load_value<float>(p + 4 * i)
                          : static_cast<float>(load_value<double>(p + 8 * i));
  return t;
}

Tensor read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open: " + std::strerror(errno));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_npy(bytes, path);
}

std::string serialize_npy(const Tensor& t) {
  if (t.size() != t.type.num_elements())
    throw Error("write_npy: the tensor has " + std::to_string(t.size()) + " values but its type " +
                t.type.str() + " holds " + std::to_string(t.type.num_elements()));
  std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape_tuple(t.dims()) + ", }";
  // numpy pads the header with spaces and a newline so the data starts on a
  // 64-byte boundary.
  bool v2 = dict.size() + 1 + 64 > 65535;
  size_t preamble = v2 ? 12 : 10;
  size_t total = (preamble + dict.size() + 1 + 63) / 64 * 64;
  dict.append(total - preamble - dict.size() - 1, ' ');
  dict += '\n';

  std::string out(kMagic);
  out += static_cast<char>(v2 ? 2 : 1);
  out += '\0';
  for (size_t i = 0; i < preamble - 8; ++i)
    out += static_cast<char>((dict.size() >> (8 * i)) & 0xff);
  out += dict;
  size_t data_at = out.size();
  out.resize(data_at + t.data.size() * 4);
  for (size_t i = 0; i < t.data.size(); ++i) {
    uint32_t bits = std::bit_cast<uint32_t>(t.data[i]);
    for (int b = 0; b < 4; ++b)
      out[data_at + 4 * i + b] = static_cast<char>((bits >> (8 * b)) & 0xff);
  }
  return out;
}

void write_npy(const std::string& path, const Tensor& t) {
  std::string bytes = serialize_npy(t);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(path + ": cannot create: " + std::strerror(errno));
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) throw Error(path + ": write failed: " + std::strerror(errno));
}

}  // namespace kiln
