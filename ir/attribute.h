// Typed node attributes. Kinds map one to one onto the text syntax:
//   int     42          float   1.0e-05, 0.5 (always has '.', 'e', "inf" or "nan")
//   ints    [3, 3]      floats  [0.5, 1.0]
//   string  "relu"      bool    true / false
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace kiln {

enum class AttrKind { Int, Float, Ints, Floats, String, Bool };

const char* attr_kind_name(AttrKind k);

class Attr {
 public:
  using Storage =
      std::variant<int64_t, double, std::vector<int64_t>, std::vector<double>, std::string, bool>;

  Attr() : v_(int64_t{0}) {}
  Attr(int v) : v_(int64_t{v}) {}
  Attr(int64_t v) : v_(v) {}
  Attr(double v) : v_(v) {}
  Attr(std::vector<int64_t> v) : v_(std::move(v)) {}
  Attr(std::vector<double> v) : v_(std::move(v)) {}
  Attr(std::string v) : v_(std::move(v)) {}
  Attr(const char* v) : v_(std::string(v)) {}
  Attr(bool v) : v_(v) {}

  AttrKind kind() const { return static_cast<AttrKind>(v_.index()); }

  int64_t as_int() const { return std::get<int64_t>(v_); }
  double as_float() const { return std::get<double>(v_); }
  const std::vector<int64_t>& as_ints() const { return std::get<std::vector<int64_t>>(v_); }
  const std::vector<double>& as_floats() const { return std::get<std::vector<double>>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  bool as_bool() const { return std::get<bool>(v_); }

  // The text IR spelling; parse_attr_value(str()) gives back an equal Attr.
  std::string str() const;

  bool operator==(const Attr& o) const { return v_ == o.v_; }
  bool operator!=(const Attr& o) const { return !(v_ == o.v_); }

 private:
  Storage v_;
};

// Shortest decimal that reads back to the same double, always recognisable as
// a float ("1.0", "1e-05", "inf", "-inf", "nan").
std::string format_float(double v);

// Attributes in the order they were set: the printer keeps that order so that
// print(parse(text)) == text.
class AttrMap {
 public:
  using Entry = std::pair<std::string, Attr>;

  const Attr* find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }
  // Replaces in place when present, appends otherwise.
  void set(const std::string& name, Attr value);
  bool erase(std::string_view name);

  const std::vector<Entry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  bool operator==(const AttrMap& o) const { return entries_ == o.entries_; }

 private:
  std::vector<Entry> entries_;
};

}  // namespace kiln
