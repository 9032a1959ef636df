#include "frontend/onnx/onnx_tensor.h"

#include <cstring>

#include "ir/error.h"

namespace kiln::onnx_io {

using onnx::TensorProto;

namespace {

int64_t element_count(const TensorProto& t) {
  for (int64_t d : t.dims())
    if (d < 0) throw Error("tensor '" + t.name() + "' has a negative dimension");
  try {
    return TensorType(dims_of(t)).num_elements();
  } catch (const Error& e) {
    throw Error("tensor '" + t.name() + "': " + e.what());
  }
}

void check_count(const TensorProto& t, int64_t have, int64_t want) {
  if (have != want)
    throw Error("tensor '" + t.name() + "' (" + dtype_name(t.data_type()) + ") holds " +
                std::to_string(have) + " values but its dims need " + std::to_string(want));
}

// raw_data is little-endian, as is every machine Kiln targets.
template <typename T>
std::vector<T> raw_values(const TensorProto& t, int64_t count) {
  const std::string& raw = t.raw_data();
  if (raw.size() % sizeof(T) != 0) check_count(t, static_cast<int64_t>(raw.size()), count);
  check_count(t, static_cast<int64_t>(raw.size() / sizeof(T)), count);
  std::vector<T> out(static_cast<size_t>(count));
  if (count > 0) std::memcpy(out.data(), raw.data(), raw.size());
  return out;
}

template <typename To, typename From>
std::vector<To> widen(const std::vector<From>& v) {
  return std::vector<To>(v.begin(), v.end());
}

void require_internal(const TensorProto& t) {
  if (has_external_data(t))
    throw Error("tensor '" + t.name() +
                "' keeps its data in an external file, which is not supported");
}

}  // namespace

std::string dtype_name(int32_t onnx_dtype) {
  if (TensorProto::DataType_IsValid(onnx_dtype))
    return TensorProto::DataType_Name(static_cast<TensorProto::DataType>(onnx_dtype));
  return "dtype " + std::to_string(onnx_dtype);
}

bool is_integer_dtype(int32_t d) {
  switch (d) {
    case TensorProto::INT8:
    case TensorProto::INT16:
    case TensorProto::INT32:
    case TensorProto::INT64:
    case TensorProto::UINT8:
    case TensorProto::UINT16:
    case TensorProto::UINT32:
    case TensorProto::UINT64:
    case TensorProto::BOOL:
      return true;
    default:
      return false;
  }
}

bool has_external_data(const TensorProto& t) {
  return t.data_location() == TensorProto::EXTERNAL;
}

std::vector<int64_t> dims_of(const TensorProto& t) {
  return {t.dims().begin(), t.dims().end()};
}

Tensor float_tensor(const TensorProto& t) {
  if (t.data_type() != TensorProto::FLOAT)
    throw Error("tensor '" + t.name() + "' is " + dtype_name(t.data_type()) + ", expected FLOAT");
  require_internal(t);
  const int64_t count = element_count(t);
  std::vector<float> values;
  if (t.has_raw_data()) {
    values = raw_values<float>(t, count);
  } else {
    check_count(t, t.float_data_size(), count);
    values.assign(t.float_data().begin(), t.float_data().end());
  }
  return Tensor(TensorType(dims_of(t)), std::move(values));
}

std::vector<int64_t> int_values(const TensorProto& t) {
  require_internal(t);
  const int64_t count = element_count(t);
  const bool raw = t.has_raw_data();
  switch (t.data_type()) {
    case TensorProto::INT64:
      if (raw) return raw_values<int64_t>(t, count);
      check_count(t, t.int64_data_size(), count);
      return {t.int64_data().begin(), t.int64_data().end()};
    case TensorProto::UINT64:
      if (raw) return widen<int64_t>(raw_values<uint64_t>(t, count));
      check_count(t, t.uint64_data_size(), count);
      return {t.uint64_data().begin(), t.uint64_data().end()};
    case TensorProto::UINT32:
      if (raw) return widen<int64_t>(raw_values<uint32_t>(t, count));
      check_count(t, t.uint64_data_size(), count);
      return {t.uint64_data().begin(), t.uint64_data().end()};
    case TensorProto::INT32:
      if (raw) return widen<int64_t>(raw_values<int32_t>(t, count));
      break;
    case TensorProto::INT16:
      if (raw) return widen<int64_t>(raw_values<int16_t>(t, count));
      break;
    case TensorProto::UINT16:
      if (raw) return widen<int64_t>(raw_values<uint16_t>(t, count));
      break;
    case TensorProto::INT8:
      if (raw) return widen<int64_t>(raw_values<int8_t>(t, count));
      break;
    case TensorProto::UINT8:
    case TensorProto::BOOL:
      if (raw) return widen<int64_t>(raw_values<uint8_t>(t, count));
      break;
    default:
      throw Error("tensor '" + t.name() + "' is " + dtype_name(t.data_type()) +
                  ", expected an integer type");
  }
  // The narrow integer types share int32_data when not raw.
  check_count(t, t.int32_data_size(), count);
  return {t.int32_data().begin(), t.int32_data().end()};
}

double scalar_value(const TensorProto& t) {
  if (element_count(t) != 1)
    throw Error("tensor '" + t.name() + "' must hold one value, it holds " +
                std::to_string(element_count(t)));
  if (t.data_type() == TensorProto::FLOAT) return float_tensor(t).data[0];
  if (t.data_type() == TensorProto::DOUBLE) {
    require_internal(t);
    if (t.has_raw_data()) return raw_values<double>(t, 1)[0];
    check_count(t, t.double_data_size(), 1);
    return t.double_data(0);
  }
  return static_cast<double>(int_values(t)[0]);
}

TensorProto make_float_proto(const std::string& name, const Tensor& t) {
  TensorProto p;
  p.set_name(name);
  p.set_data_type(TensorProto::FLOAT);
  for (int64_t d : t.dims()) p.add_dims(d);
  p.set_raw_data(
      std::string(reinterpret_cast<const char*>(t.ptr()), t.data.size() * sizeof(float)));
  return p;
}

TensorProto make_int64_proto(const std::string& name, const std::vector<int64_t>& dims,
                             const std::vector<int64_t>& values) {
  TensorProto p;
  p.set_name(name);
  p.set_data_type(TensorProto::INT64);
  for (int64_t d : dims) p.add_dims(d);
  for (int64_t v : values) p.add_int64_data(v);
  return p;
}

}  // namespace kiln::onnx_io
