// Ahead-of-time code generation: turns a lowered Plan into a native artifact directory that
// the Kiln runtime (runtime/kiln_runtime.h) loads without Halide or the graph:
//
//   libkiln_model.so  every kernel + one Halide runtime + a generated C entry point exporting
//                     kiln_model_plan(), the plan as static tables (runtime/kiln_plan.h)
//   kiln_model.h      C header naming the inputs and outputs and their shapes
//   weights.bin       the packed weights, every tensor 64-byte aligned, behind a header that
//                     also records the library's checksum (runtime/weights_format.h)
//   manifest.json     versions, target, inputs/outputs, kernels, arena and weights sizes
//   emit/             optional per-kernel listings (CodegenOptions::emit)
//
// Kernel objects are cached across models and runs under CodegenOptions::cache_dir, keyed by the
// kernel signature, the Halide version, the Kiln version and the target. Writing the same plan
// twice produces byte-identical files.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "backend/halide/execution_plan.h"

namespace kiln::halide {

struct CodegenOptions {
  std::string cache_dir;          // default: default_cache_dir()
  int jobs = 2;                   // kernels compiled at once, each in its own worker process
  std::vector<std::string> emit;  // any of "stmt", "html", "asm", "llvm" -> out_dir/emit/<fn>.*
  // Called in the caller's thread as each kernel, and the Halide runtime (named
  // "halide_runtime"), is found in the cache or compiled; total = kernels + 1.
  std::function<void(int done, int total, bool cache_hit, const std::string& kernel)> progress;
  std::string cc = "cc";    // compiles the generated entry point
  std::string cxx = "c++";  // links libkiln_model.so
  // Stamp other versions into the plan table (0 / empty: the real ones), so tests can produce
  // artifacts that a runtime must refuse.
  uint32_t abi_version_override = 0;
  std::string kiln_version_override;
};

struct ArtifactInfo {
  std::string dir;
  std::string library, header, weights, manifest;  // paths of the four files
  std::vector<std::string> emitted;                // paths under dir/emit/, sorted
  int kernels = 0;                                 // distinct kernel objects linked
  int cache_hits = 0, cache_misses = 0;            // kernels only
  bool runtime_cache_hit = false;
  // "<function>: <reason>" for each kernel an autoscheduler gave up on (compiled now or
  // earlier): it uses its hand schedule. Also in manifest.json as "schedule_fallback".
  std::vector<std::string> schedule_fallbacks;
  int64_t weights_bytes = 0, arena_bytes = 0, intermediate_bytes = 0;
  uint64_t weights_checksum = 0;
  uint64_t library_checksum = 0;  // xxh64 of libkiln_model.so, as weights.bin records it
  double compile_seconds = 0;     // kernels + runtime (wall clock, parallel)
  double link_seconds = 0;        // weights.bin and descriptions + entry point + link
  double total_seconds = 0;
};

// Writes the artifact for `plan` into `out_dir` (created if needed; files there are replaced
// atomically). Throws std::invalid_argument for a malformed plan and std::runtime_error naming
// the kernel or command (with its stderr) that failed.
ArtifactInfo write_artifact(const Plan& plan, const std::string& out_dir,
                            const CodegenOptions& options = {});

// The names of the four files every artifact holds (library, header, weights, manifest).
const std::vector<std::string>& artifact_file_names();

// $XDG_CACHE_HOME/kiln, else $HOME/.cache/kiln, else <temp dir>/kiln-cache.
std::string default_cache_dir();

// Version of Kiln stamped into artifacts ("0.1.0").
const char* kiln_version();

}  // namespace kiln::halide
