// NumPy .npy files (format versions 1.0, 2.0 and 3.0): one C-order array.
// Reading accepts little-endian float32 ('<f4') and float64 ('<f8', rounded
// to float32); writing produces version 1.0 (2.0 for huge headers) '<f4'.
#pragma once

#include <string>
#include <string_view>

#include "ir/tensor.h"

namespace kiln {

// Throws kiln::Error naming the file on a bad magic string, an unsupported
// version or dtype, fortran_order, a malformed header, or data that is
// shorter or longer than the shape says.
Tensor read_npy(const std::string& path);
// `bytes` is a whole .npy file; `name` is used in errors.
Tensor parse_npy(std::string_view bytes, const std::string& name = "<npy>");

void write_npy(const std::string& path, const Tensor& t);
std::string serialize_npy(const Tensor& t);

}  // namespace kiln
