// What every kernel family shares between its algorithm and its AOT entry
// points: fixing buffer shapes, and compiling a scheduled pipeline.
#pragma once

#include <string>
#include <vector>

#include "Halide.h"

namespace kiln::halide {

// Constant extents and dense strides with mins at 0: they fold the address
// arithmetic, and Halide rejects a mismatched buffer at run time.
void constrain_dense(Halide::OutputImageParam param, const std::vector<int>& extents);

// A scheduled pipeline ahead of time: `<path_prefix>.o` plus a C header
// `<path_prefix>.h` declaring `function_name`.
void compile_pipeline_to_files(Halide::Func output, const std::vector<Halide::Argument>& args,
                               const Halide::Target& target, const std::string& function_name,
                               const std::string& path_prefix);
// The same as a static library `<path_prefix>.a` (+ header).
void compile_pipeline_to_library(Halide::Func output, const std::vector<Halide::Argument>& args,
                                 const Halide::Target& target, const std::string& function_name,
                                 const std::string& path_prefix);
// The same as a Halide::Module, for callers that link many modules themselves.
Halide::Module compile_pipeline_to_module(Halide::Func output,
                                          const std::vector<Halide::Argument>& args,
                                          const Halide::Target& target,
                                          const std::string& function_name);

// A compiled module (e.g. one a kernel family added code to) as the files above:
// `<path_prefix>.o` or `<path_prefix>.a`, each with `<path_prefix>.h`.
void write_module_files(const Halide::Module& module, const std::string& path_prefix);
void write_module_library(const Halide::Module& module, const std::string& path_prefix);

}  // namespace kiln::halide
