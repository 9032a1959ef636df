// write_artifact: check the plan, pack the weights, get every object from the cache or the
// compiler, link the library, then write the description files.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "backend/halide/codegen/codegen.h"
#include "backend/halide/codegen/file_util.h"
#include "backend/halide/codegen/link_stage.h"
#include "backend/halide/codegen/manifest.h"
#include "backend/halide/codegen/model_header.h"
#include "backend/halide/codegen/object_stage.h"
#include "runtime/file_checksum.h"
#include "runtime/kiln_plan.h"

namespace kiln::halide {
namespace {

namespace fs = std::filesystem;
using namespace codegen;

constexpr const char* kWeightsFile = "weights.bin";

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

ArtifactContents describe(const Plan& plan, const CodegenOptions& o) {
  ArtifactContents c;
  c.plan = &plan;
  c.checked = check_plan(plan);
  const Halide::Target target = kernel_target(plan);
  c.weights = pack_weights(plan, c.checked);
  std::set<std::string> keys, symbols;
  for (const PlanKernel& k : plan.kernels) {
    c.cache_keys.push_back(KernelCache::kernel_key(k.signature, target));
    c.symbols.push_back(KernelCache::kernel_symbol(c.cache_keys.back()));
    // Distinct keys sharing a 64-bit symbol prefix would link the wrong kernel.
    if (keys.insert(c.cache_keys.back()).second && !symbols.insert(c.symbols.back()).second) {
      throw std::runtime_error("kernel symbol collision on " + c.symbols.back());
    }
  }
  c.kiln_version = o.kiln_version_override.empty() ? kiln_version() : o.kiln_version_override;
  c.abi_version = o.abi_version_override != 0 ? o.abi_version_override : KILN_PLAN_ABI_VERSION;
  c.target = artifact_target(plan).to_string();
  return c;
}

void make_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create " + dir + ": " + ec.message());
}

void write_description(const ArtifactContents& c, const ArtifactInfo& info) {
  const PackedWeights& w = c.weights;
  write_file_atomic(info.weights, {weights_header(w, c.library_checksum),
                                   {reinterpret_cast<const char*>(w.payload.data()),
                                    static_cast<size_t>(w.bytes())}});
  write_file_atomic(info.header, {model_header(c)});
  write_file_atomic(info.manifest, {manifest_json(c)});
}

// Writing into a directory replaces its artifact: only one that holds nothing but an
// artifact's files (or their temporaries) may take one, never one where someone pointed -o at
// their own files.
void check_replaceable(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  if (!fs::is_directory(dir, ec)) {
    throw std::runtime_error("cannot write an artifact to " + dir + ": it is not a directory");
  }
  std::vector<std::string> files = artifact_file_names();
  files.push_back("emit");
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    bool known = false;
    for (const std::string& file : files)
      known = known || name == file || name.rfind(file + ".tmp.", 0) == 0;
    known = known || name.rfind(codegen::StagedDir::kStagingPrefix, 0) == 0;
    if (!known) {
      throw std::runtime_error("cannot replace " + dir + " with the artifact: it holds '" + name +
                               "', which is not part of a Kiln artifact (write to a new or empty "
                               "directory)");
    }
  }
}

ArtifactInfo paths(const std::string& out_dir) {
  ArtifactInfo info;
  info.dir = out_dir;
  info.library = out_dir + "/" + kLibraryFile;
  info.header = out_dir + "/" + kModelHeaderFile;
  info.weights = out_dir + "/" + kWeightsFile;
  info.manifest = out_dir + "/" + kManifestFile;
  return info;
}

}  // namespace

const char* kiln_version() {
  return KILN_VERSION;
}

const std::vector<std::string>& artifact_file_names() {
  static const std::vector<std::string> files = {kLibraryFile, kModelHeaderFile, kWeightsFile,
                                                 kManifestFile};
  return files;
}

std::string default_cache_dir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && xdg[0] == '/') return std::string(xdg) + "/kiln";
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/') return std::string(home) + "/.cache/kiln";
  return (fs::temp_directory_path() / "kiln-cache").string();
}

ArtifactInfo write_artifact(const Plan& plan, const std::string& out_dir,
                            const CodegenOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  emit_outputs(options.emit, out_dir + "/emit", "check");  // reject unknown kinds before any work
  ArtifactContents contents = describe(plan, options);
  const KernelCache cache(options.cache_dir.empty() ? default_cache_dir() : options.cache_dir);
  // Everything is staged first: a failed compile or link leaves an existing artifact exactly
  // as it was, not an old library next to new weights.
  const std::string final_dir = fs::absolute(out_dir).lexically_normal().string();
  check_replaceable(final_dir);
  StagedDir staged(final_dir);
  const std::string emit_dir = staged.staging() + "/emit";
  if (!options.emit.empty()) make_dir(emit_dir);
  const ArtifactInfo staged_info = paths(staged.staging());

  const ObjectStageResult objects = build_objects(contents, cache, options, emit_dir);
  contents.schedule_fallbacks = objects.fallbacks;
  contents.schedules = objects.schedules;
  ArtifactInfo info = paths(out_dir);
  info.compile_seconds = seconds_since(start);
  const auto link_start = std::chrono::steady_clock::now();
  link_library(contents, cache, options, staged.staging());
  contents.library_checksum = rt::file_checksum(staged_info.library);
  write_description(contents, staged_info);
  staged.commit(kLibraryFile);
  // Listings of an earlier compile would no longer describe this library.
  std::error_code ignored;
  if (options.emit.empty()) fs::remove_all(final_dir + "/emit", ignored);
  info.link_seconds = seconds_since(link_start);

  for (const std::string& file : objects.emitted)
    info.emitted.push_back(out_dir + "/emit" + file.substr(emit_dir.size()));
  info.kernels = objects.objects;
  info.cache_hits = objects.hits;
  info.cache_misses = objects.misses;
  info.runtime_cache_hit = objects.runtime_hit;
  for (size_t k = 0; k < plan.kernels.size(); ++k)
    if (!objects.fallbacks[k].empty())
      info.schedule_fallbacks.push_back(plan.kernels[k].function_name + ": " +
                                        objects.fallbacks[k]);
  info.weights_bytes = contents.weights.bytes();
  info.weights_checksum = contents.weights.checksum;
  info.library_checksum = contents.library_checksum;
  info.arena_bytes = plan.arena_floats * 4;
  info.intermediate_bytes = plan.intermediate_floats * 4;
  info.total_seconds = seconds_since(start);
  return info;
}

}  // namespace kiln::halide
