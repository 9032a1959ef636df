#include "runtime/artifact_library.h"

#include <dlfcn.h>

#include <cstring>
#include <filesystem>

#include "runtime/cpu_features.h"
#include "runtime/elf_check.h"
#include "runtime/error.h"
#include "runtime/library_checksum.h"
#include "runtime/weights_file.h"

namespace kiln::rt {

ArtifactLibrary::ArtifactLibrary(const std::string& dir) {
  const std::string path = (std::filesystem::path(dir) / kLibraryFile).string();
  if (!std::filesystem::is_directory(dir)) {
    throw Error("artifact directory '" + dir + "' does not exist");
  }
  if (!std::filesystem::exists(path)) throw Error(path + " is missing: not a Kiln artifact");
  check_elf_complete(path);  // dlopen of a cut-off file dies of SIGBUS instead of failing
  // Nor may a damaged one reach dlopen, which runs its relocations and initialisers.
  check_library_checksum(path, (std::filesystem::path(dir) / kWeightsFile).string());
  // RTLD_LOCAL: every artifact keeps its own Halide runtime (thread pool, error handler).
  handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle_ == nullptr) throw Error("cannot load " + path + ": " + dlerror());
  try {
    plan_ = load_plan(path);
    check_compatible(path);
  } catch (const CpuMismatch&) {
    // The library stays mapped on purpose: its destructors belong to code built for features
    // this CPU lacks, so dlclose could fault.
    handle_ = nullptr;
    throw;
  } catch (...) {
    dlclose(handle_);
    handle_ = nullptr;
    throw;
  }
}

ArtifactLibrary::~ArtifactLibrary() {
  if (handle_ != nullptr) dlclose(handle_);
}

const kiln_plan* ArtifactLibrary::load_plan(const std::string& path) {
  void* symbol = dlsym(handle_, KILN_MODEL_PLAN_SYMBOL);
  if (symbol == nullptr) {
    throw Error(path + " is not a Kiln artifact: it does not export " KILN_MODEL_PLAN_SYMBOL "()");
  }
  const kiln_plan* plan = reinterpret_cast<kiln_model_plan_fn>(symbol)();
  if (plan == nullptr) throw Error(path + ": " KILN_MODEL_PLAN_SYMBOL "() returned no plan");
  return plan;
}

void ArtifactLibrary::check_compatible(const std::string& path) const {
  // Only the first two fields may be read before the ABI version is known to match.
  if (plan_->abi_version != KILN_PLAN_ABI_VERSION) {
    throw Error(path + " uses plan ABI version " + std::to_string(plan_->abi_version) +
                ", this runtime reads version " + std::to_string(KILN_PLAN_ABI_VERSION) +
                ": recompile the model with Kiln " KILN_VERSION);
  }
  if (plan_->struct_size != sizeof(kiln_plan)) {
    throw Error(path + " has a malformed plan (struct_size " + std::to_string(plan_->struct_size) +
                ", expected " + std::to_string(sizeof(kiln_plan)) + ")");
  }
  const char* version = plan_->kiln_version != nullptr ? plan_->kiln_version : "(none)";
  if (std::strcmp(version, KILN_VERSION) != 0) {
    throw Error(path + " was compiled by Kiln " + version +
                ", this runtime is Kiln " KILN_VERSION ": recompile the model with this version");
  }
  check_cpu_supports(plan_->target != nullptr ? plan_->target : "", path);
}

}  // namespace kiln::rt
