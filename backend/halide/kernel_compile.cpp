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
  write_module_files(compile_pipeline_to_module(output, args, target, function_name), path_prefix);
}

void compile_pipeline_to_library(Halide::Func output, const std::vector<Halide::Argument>& args,
                                 const Halide::Target& target, const std::string& function_name,
                                 const std::string& path_prefix) {
  write_module_library(compile_pipeline_to_module(output, args, target, function_name),
                       path_prefix);
}

Halide::Module compile_pipeline_to_module(Halide::Func output,
                                          const std::vector<Halide::Argument>& args,
                                          const Halide::Target& target,
                                          const std::string& function_name) {
  return Halide::Pipeline(output).compile_to_module(args, function_name, target);
}

void write_module_files(const Halide::Module& module, const std::string& path_prefix) {
  module.compile({{Halide::OutputFileType::object, path_prefix + ".o"},
                  {Halide::OutputFileType::c_header, path_prefix + ".h"}});
}

void write_module_library(const Halide::Module& module, const std::string& path_prefix) {
  module.compile({{Halide::OutputFileType::static_library, path_prefix + ".a"},
                  {Halide::OutputFileType::c_header, path_prefix + ".h"}});
}

}  // namespace kiln::halide
