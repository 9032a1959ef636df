// The artifact's shared library: dlopen, the plan it exports, and the checks that decide
// whether this runtime may execute it (intact headers and checksum before dlopen; plan ABI, Kiln
// version, CPU features after).
#pragma once

#include <string>

#include "runtime/kiln_plan.h"

namespace kiln::rt {

inline constexpr const char* kLibraryFile = "libkiln_model.so";

class ArtifactLibrary {
 public:
  // Opens `<dir>/libkiln_model.so` and checks it; throws rt::Error saying what is wrong.
  explicit ArtifactLibrary(const std::string& dir);
  ~ArtifactLibrary();
  ArtifactLibrary(const ArtifactLibrary&) = delete;
  ArtifactLibrary& operator=(const ArtifactLibrary&) = delete;

  const kiln_plan& plan() const { return *plan_; }

 private:
  const kiln_plan* load_plan(const std::string& path);
  void check_compatible(const std::string& path) const;

  void* handle_ = nullptr;
  const kiln_plan* plan_ = nullptr;
};

}  // namespace kiln::rt
