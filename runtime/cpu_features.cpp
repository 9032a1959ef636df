#include "runtime/cpu_features.h"

#include <algorithm>
#include <map>
#include <sstream>

namespace kiln::rt {
namespace {

// Halide 14 x86 target features and the CPU flags each one lets generated code use.
const std::map<std::string, std::vector<std::string>>& feature_flags() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"sse41", {"sse4.1"}},
      {"avx", {"avx"}},
      {"avx2", {"avx2"}},
      {"fma", {"fma"}},
      {"fma4", {"fma4"}},
      {"f16c", {"f16c"}},
      {"avx512", {"avx512f", "avx512cd"}},
      {"avx512_knl", {"avx512f", "avx512cd", "avx512er", "avx512pf"}},
      {"avx512_skylake", {"avx512f", "avx512cd", "avx512vl", "avx512bw", "avx512dq"}},
      {"avx512_cannonlake",
       {"avx512f", "avx512cd", "avx512vl", "avx512bw", "avx512dq", "avx512ifma", "avx512vbmi"}},
      {"avx512_sapphirerapids",
       {"avx512f", "avx512cd", "avx512vl", "avx512bw", "avx512dq", "avx512ifma", "avx512vbmi",
        "avx512vnni", "avx512bf16"}},
  };
  return table;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, sep);) parts.push_back(part);
  return parts;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

}  // namespace

std::string host_target_prefix() {
#if defined(__x86_64__) && defined(__linux__)
  return "x86-64-linux";
#elif defined(__aarch64__) && defined(__linux__)
  return "arm-64-linux";
#else
  return "unknown";
#endif
}

std::vector<std::string> missing_cpu_features(
    const std::string& target, const std::function<bool(const std::string&)>& cpu_has) {
  std::vector<std::string> missing;
  for (const std::string& feature : split(target, '-')) {
    auto it = feature_flags().find(feature);
    if (it == feature_flags().end()) continue;
    for (const std::string& flag : it->second) {
      if (!cpu_has(flag) && std::find(missing.begin(), missing.end(), flag) == missing.end()) {
        missing.push_back(flag);
      }
    }
  }
  return missing;
}

bool host_cpu_has(const std::string& flag) {
#if defined(__x86_64__)
  // __builtin_cpu_supports takes only literals, hence one entry per flag.
#define KILN_CPU_FLAG(name)                                \
  {                                                        \
    name, [] { return __builtin_cpu_supports(name) != 0; } \
  }
  static const std::map<std::string, bool (*)()> probes = {
      KILN_CPU_FLAG("sse4.1"),     KILN_CPU_FLAG("avx"),        KILN_CPU_FLAG("avx2"),
      KILN_CPU_FLAG("fma"),        KILN_CPU_FLAG("fma4"),       KILN_CPU_FLAG("f16c"),
      KILN_CPU_FLAG("avx512f"),    KILN_CPU_FLAG("avx512cd"),   KILN_CPU_FLAG("avx512er"),
      KILN_CPU_FLAG("avx512pf"),   KILN_CPU_FLAG("avx512vl"),   KILN_CPU_FLAG("avx512bw"),
      KILN_CPU_FLAG("avx512dq"),   KILN_CPU_FLAG("avx512ifma"), KILN_CPU_FLAG("avx512vbmi"),
      KILN_CPU_FLAG("avx512vnni"), KILN_CPU_FLAG("avx512bf16"),
  };
#undef KILN_CPU_FLAG
  __builtin_cpu_init();
  auto it = probes.find(flag);
  return it != probes.end() && it->second();
#else
  return false;
#endif
}

void check_cpu_supports(const std::string& target, const std::string& artifact) {
  const std::string prefix = host_target_prefix();
  if (target.rfind(prefix + "-", 0) != 0 && target != prefix) {
    throw CpuMismatch(artifact + " was compiled for " + target + ", but this machine is " + prefix);
  }
  const std::vector<std::string> missing = missing_cpu_features(target, host_cpu_has);
  if (!missing.empty()) {
    throw CpuMismatch(artifact + " needs CPU features this machine lacks: " + join(missing) +
                      " (target " + target + "); recompile the model for this machine");
  }
}

}  // namespace kiln::rt
