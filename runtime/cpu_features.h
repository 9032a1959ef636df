// Whether this CPU can run kernels compiled for a Halide target: the target string names the
// architecture and the instruction-set features the code may use ("x86-64-linux-avx2-fma-...").
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "runtime/error.h"

namespace kiln::rt {

// Thrown when the artifact's code would fault on this CPU (wrong architecture or missing
// features); its library must then not run any code, not even destructors.
struct CpuMismatch : Error {
  using Error::Error;
};

// The "<arch>-<bits>-<os>" prefix of Halide targets this runtime was built for.
std::string host_target_prefix();

// CPU flags (as __builtin_cpu_supports spells them) that `target` requires and `cpu_has` denies,
// in target order, without duplicates. Target features that are not CPU features
// ("no_runtime", "no_asserts", ...) require nothing.
std::vector<std::string> missing_cpu_features(
    const std::string& target, const std::function<bool(const std::string&)>& cpu_has);

// This CPU, via __builtin_cpu_supports; false for flags it does not know.
bool host_cpu_has(const std::string& flag);

// Throws CpuMismatch naming `artifact`, the target and what is missing.
void check_cpu_supports(const std::string& target, const std::string& artifact);

}  // namespace kiln::rt
