// Flags of the commands that generate native code (`compile`, `run
// --backend=halide`, `bench`): target, threads, kernel cache, listings, scheduler,
// conv algorithm, and the compile step they share.
#pragma once

#include <string>
#include <vector>

#include "backend/halide/codegen/codegen.h"
#include "backend/halide/codegen/file_util.h"
#include "frontend/driver/pass_options.h"
#include "ir/graph.h"
#include "ir/tensor.h"

namespace CLI {
class App;
}

namespace kiln::driver {

struct HalideFlags {
  std::string target = "host";  // host, x86-64-avx2, x86-64-avx512 or a Halide target string
  int threads = 0;              // 0: Halide's default (one per core)
  std::string cache_dir;        // empty: halide::default_cache_dir()
  int jobs = 2;                 // kernels compiled at once
  std::vector<std::string> emit;
  std::string scheduler = "hand";       // hand, adams2019, li2018 or mullapudi2016
  std::string conv_algorithm = "auto";  // auto, direct or winograd
};

// --target, --cache-dir, --jobs, --scheduler, --conv-algorithm: how native code is generated.
void add_halide_options(CLI::App& app, HalideFlags& f);
// --threads: how many threads the kernels run on. Only commands that run the code take it: the
// artifact `kiln compile` writes is the same for any thread count.
void add_threads_option(CLI::App& app, HalideFlags& f);
// --emit: per-kernel listings, written next to an artifact.
void add_emit_option(CLI::App& app, HalideFlags& f);

// The names of the options the three functions above added to `app` ("--target", ...).
std::vector<std::string> halide_option_names(const CLI::App& app);

// Where `kiln run` and `kiln bench` compile a MODEL: a temporary directory, removed when this
// goes or, if the process is killed, by the next kiln that makes one (TempDir's lock). The
// artifact has a subdirectory of its own, as the lock file is no artifact's.
class ScratchArtifact {
 public:
  explicit ScratchArtifact(const std::string& prefix)
      : dir_(prefix), path_(dir_.file("artifact")) {}
  const std::string& path() const { return path_; }

 private:
  halide::codegen::TempDir dir_;
  std::string path_;
};

// Compiles g (after the passes the flags select; -O when none are given) to
// an artifact in out_dir, printing progress to stderr.
halide::ArtifactInfo compile_model(Graph& g, WeightMap& weights, const PassFlags& passes,
                                   const HalideFlags& flags, const std::string& out_dir);

}  // namespace kiln::driver
