#include "backend/halide/codegen/link_stage.h"

#include <set>

#include "backend/halide/codegen/entry_source.h"
#include "backend/halide/codegen/file_util.h"
#include "backend/halide/codegen/object_stage.h"
#include "backend/halide/codegen/subprocess.h"
#include "kiln_plan_text.h"

namespace kiln::halide::codegen {
namespace {

constexpr const char* kEntryObject = "kiln_model_entry.o";
constexpr const char* kExportMap = "exports.map";
constexpr const char* kRuntimeObject = "halide_runtime.o";

// Copies the cached objects in; returns their names in link order. Local copies keep cache
// paths out of every command line, so nothing about this machine can reach the output.
std::vector<std::string> stage_objects(const ArtifactContents& c, const KernelCache& cache,
                                       const TempDir& dir) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (size_t k = 0; k < c.symbols.size(); ++k) {
    if (!seen.insert(c.symbols[k]).second) continue;
    names.push_back(c.symbols[k] + ".o");
    copy_file_atomic(cache.kernel_path(c.cache_keys[k]), dir.file(names.back()));
  }
  const std::string runtime = KernelCache::runtime_key(kernel_target(*c.plan));
  copy_file_atomic(cache.runtime_path(runtime), dir.file(kRuntimeObject));
  names.push_back(kRuntimeObject);
  return names;
}

std::vector<std::string> compile_command(const CodegenOptions& o, const TempDir& dir) {
  return {o.cc, "-std=c99",       "-O2", "-fPIC",     "-ffile-prefix-map=" + dir.path() + "=.",
          "-c", kEntrySourceFile, "-o",  kEntryObject};
}

std::vector<std::string> link_command(const CodegenOptions& o,
                                      const std::vector<std::string>& objects) {
  std::vector<std::string> cmd = {o.cxx,
                                  "-shared",
                                  "-o",
                                  kLibraryFile,
                                  "-Wl,--build-id=none",
                                  std::string("-Wl,-soname,") + kLibraryFile,
                                  "-Wl,-z,noexecstack",
                                  std::string("-Wl,--version-script=") + kExportMap,
                                  "-Wl,-Bsymbolic",
                                  "-Wl,--as-needed",
                                  kEntryObject};
  cmd.insert(cmd.end(), objects.begin(), objects.end());
  for (const char* lib : {"-lpthread", "-ldl", "-lm"}) cmd.push_back(lib);
  return cmd;
}

}  // namespace

void link_library(const ArtifactContents& c, const KernelCache& cache, const CodegenOptions& o,
                  const std::string& out_dir) {
  TempDir dir("kiln-link-");
  write_file_atomic(dir.file(kPlanHeaderFile), {kKilnPlanHeaderText});
  write_file_atomic(dir.file(kEntrySourceFile), {entry_source(c)});
  write_file_atomic(dir.file(kExportMap), {export_map(c)});
  const std::vector<std::string> objects = stage_objects(c, cache, dir);
  run_command(compile_command(o, dir), dir.path());
  run_command(link_command(o, objects), dir.path());
  copy_file_atomic(dir.file(kLibraryFile), out_dir + "/" + kLibraryFile);
}

}  // namespace kiln::halide::codegen
