#include "ir/attribute.h"

#include <charconv>
#include <cmath>

namespace kiln {

const char* attr_kind_name(AttrKind k) {
  switch (k) {
    case AttrKind::Int:
      return "int";
    case AttrKind::Float:
      return "float";
    case AttrKind::Ints:
      return "int list";
    case AttrKind::Floats:
      return "float list";
    case AttrKind::String:
      return "string";
    case AttrKind::Bool:
      return "bool";
  }
  return "?";
}

std::string format_float(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

static std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string Attr::str() const {
  switch (kind()) {
    case AttrKind::Int:
      return std::to_string(as_int());
    case AttrKind::Float:
      return format_float(as_float());
    case AttrKind::Bool:
      return as_bool() ? "true" : "false";
    case AttrKind::String:
      return quote(as_string());
    case AttrKind::Ints: {
      std::string s = "[";
      for (size_t i = 0; i < as_ints().size(); ++i)
        s += (i ? ", " : "") + std::to_string(as_ints()[i]);
      return s + "]";
    }
    case AttrKind::Floats: {
      std::string s = "[";
      for (size_t i = 0; i < as_floats().size(); ++i)
        s += (i ? ", " : "") + format_float(as_floats()[i]);
      return s + "]";
    }
  }
  return "";
}

const Attr* AttrMap::find(std::string_view name) const {
  for (const auto& [k, v] : entries_)
    if (k == name) return &v;
  return nullptr;
}

void AttrMap::set(const std::string& name, Attr value) {
  for (auto& [k, v] : entries_) {
    if (k == name) {
      v = std::move(value);
      return;
    }
  }
  entries_.emplace_back(name, std::move(value));
}

bool AttrMap::erase(std::string_view name) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == name) {
      entries_.erase(it);
      return true;
    }
  }
  return false;
}

}  // namespace kiln
