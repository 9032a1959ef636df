#include "frontend/onnx/onnx_attributes.h"

#include <charconv>
#include <cstdlib>

#include "frontend/onnx/import_context.h"
#include "ir/error.h"

namespace kiln::onnx_io {

using onnx::AttributeProto;

double canonical_float(float f) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf - 1, f);
  if (ec != std::errc()) return f;
  *end = '\0';
  return std::strtod(buf, nullptr);
}

const AttributeProto* NodeAttrs::find(const std::string& name) const {
  for (const auto& a : node_.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

const AttributeProto& NodeAttrs::expect(const std::string& name,
                                        AttributeProto::AttributeType type) const {
  const AttributeProto* a = find(name);
  // Old exporters leave `type` unset (0); then the field present decides.
  if (a->type() != type && a->type() != AttributeProto::UNDEFINED)
    throw Error("attribute '" + name + "' is " + AttributeProto::AttributeType_Name(a->type()) +
                ", expected " + AttributeProto::AttributeType_Name(type));
  return *a;
}

int64_t NodeAttrs::get_int(const std::string& name, int64_t fallback) const {
  return has(name) ? expect(name, AttributeProto::INT).i() : fallback;
}

double NodeAttrs::get_float(const std::string& name, double fallback) const {
  return has(name) ? canonical_float(expect(name, AttributeProto::FLOAT).f()) : fallback;
}

std::string NodeAttrs::get_string(const std::string& name, const std::string& fallback) const {
  return has(name) ? expect(name, AttributeProto::STRING).s() : fallback;
}

std::vector<int64_t> NodeAttrs::get_ints(const std::string& name,
                                         const std::vector<int64_t>& fallback) const {
  if (!has(name)) return fallback;
  const auto& ints = expect(name, AttributeProto::INTS).ints();
  return {ints.begin(), ints.end()};
}

std::vector<double> NodeAttrs::get_floats(const std::string& name) const {
  std::vector<double> out;
  if (has(name))
    for (float f : expect(name, AttributeProto::FLOATS).floats()) out.push_back(canonical_float(f));
  return out;
}

const onnx::TensorProto* NodeAttrs::get_tensor(const std::string& name) const {
  return has(name) ? &expect(name, AttributeProto::TENSOR).t() : nullptr;
}

void NodeAttrs::allow_only(std::initializer_list<const char*> known) const {
  std::string unknown;
  for (const auto& a : node_.attribute()) {
    bool ok = false;
    for (const char* k : known) ok = ok || a.name() == k;
    if (!ok) unknown += (unknown.empty() ? "" : ", ") + a.name();
  }
  if (!unknown.empty()) throw Unsupported{"attribute " + unknown};
}

}  // namespace kiln::onnx_io
