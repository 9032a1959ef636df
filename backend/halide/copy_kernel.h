// A dense 1-D copy: graph outputs that are views of other tensors, or that
// two outputs share, are copied into the caller's buffer.
#pragma once

#include <cstdint>
#include <string>

#include "Halide.h"

namespace kiln::halide {

struct CopySpec {
  int64_t count = 0;  // floats
  std::string to_string() const { return "copy_" + std::to_string(count); }
};

// `int fn(halide_buffer_t* input, halide_buffer_t* output)`, both 1-D of
// spec.count floats.
Halide::Module compile_copy_module(const CopySpec& spec, const Halide::Target& target,
                                   const std::string& function_name);

}  // namespace kiln::halide
