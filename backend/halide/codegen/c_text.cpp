#include "backend/halide/codegen/c_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace kiln::halide::codegen {

bool is_c_identifier(const std::string& s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char ch : s) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '_';
    if (!ok) return false;
  }
  return true;
}

bool is_reserved_symbol(const std::string& s) {
  for (const char* prefix : {"kiln_model_", "kiln_kernel_", "halide_"}) {
    if (s.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

std::string c_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char ch : s) {
    if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\' && ch != '?') {
      out += static_cast<char>(ch);
    } else {
      char esc[5];
      std::snprintf(esc, sizeof esc, "\\%03o", ch);
      out += esc;
    }
  }
  return out + "\"";
}

std::string c_comment(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    out += s[i];
    if (s[i] == '*' && i + 1 < s.size() && s[i + 1] == '/') out += ' ';
  }
  return out;
}

std::string c_int64(int64_t v) {
  // INT64_MIN has no literal of its own.
  if (v == INT64_MIN) return "(-9223372036854775807LL - 1)";
  return std::to_string(v) + "LL";
}

std::string c_uint64(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%016llxULL", static_cast<unsigned long long>(v));
  return buf;
}

std::string c_double(double v) {
  if (!std::isfinite(v)) return "0.0";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string out(buf, end);
  // Keep it a floating literal: "1e+06" is, "42" is not.
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

}  // namespace kiln::halide::codegen
