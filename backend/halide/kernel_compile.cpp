#include "backend/halide/kernel_compile.h"

namespace kiln::halide {

void constrain_dense(Halide::OutputImageParam param, const std::vector<int>& extents) {
  int stride = 1;
  for (size_t d = 0; d < extents.size(); ++d) {
    param.dim(int(d)).set_bounds(0, extents[d]).set_stride(stride);
    stride *= extents[d];
  }
}

void compile_pipeline_to_files(Halide::Func output, const std::vector<Halide::Argument>& args,
                               const Halide::Target& target, const std::string& function_name,
                               const std::string& path_prefix) {
  Halide::Pipeline(output).compile_to({{Halide::OutputFileType::object, path_prefix + ".o"},
                                       {Halide::OutputFileType::c_header, path_prefix + ".h"}},
                                      args, function_name, target);
}

void compile_pipeline_to_library(Halide::Func output, const std::vector<Halide::Argument>& args,
                                 const Halide::Target& target, const std::string& function_name,
                                 const std::string& path_prefix) {
  Halide::Pipeline(output).compile_to_static_library(path_prefix, args, function_name, target);
}

Halide::Module compile_pipeline_to_module(Halide::Func output,
                                          const std::vector<Halide::Argument>& args,
                                          const Halide::Target& target,
                                          const std::string& function_name) {
  return Halide::Pipeline(output).compile_to_module(args, function_name, target);
}

}  // namespace kiln::halide
