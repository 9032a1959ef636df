#include "backend/halide/codegen/manifest.h"

#include <nlohmann/json.hpp>

#include "backend/halide/codegen/kernel_cache.h"
#include "runtime/checksum.h"

namespace kiln::halide::codegen {
namespace {

using Json = nlohmann::ordered_json;

const char* storage_name(int storage) {
  static const char* names[] = {"input", "output", "arena", "weights"};
  return names[storage];
}

Json ios(const ArtifactContents& c, const std::vector<int>& ids) {
  Json out = Json::array();
  for (int t : ids) {
    out.push_back({{"name", c.plan->tensors[t].name},
                   {"shape", graph_shape(c.plan->tensors[t])},
                   {"tensor", t}});
  }
  return out;
}

Json kernels(const ArtifactContents& c) {
  std::vector<int> uses(c.plan->kernels.size(), 0);
  for (const PlanStep& s : c.plan->steps) ++uses[s.kernel];
  Json out = Json::array();
  for (size_t k = 0; k < c.plan->kernels.size(); ++k) {
    const PlanKernel& kernel = c.plan->kernels[k];
    out.push_back({{"function", kernel.function_name},
                   {"symbol", c.symbols[k]},
                   {"op", kernel.op},
                   {"signature", kernel.signature},
                   {"arguments", c.checked.arity[k]},
                   {"steps", uses[k]},
                   {"cache_key", c.cache_keys[k]}});
    if (k < c.schedules.size() && !c.schedules[k].empty()) out.back()["schedule"] = c.schedules[k];
    if (k < c.schedule_fallbacks.size() && !c.schedule_fallbacks[k].empty())
      out.back()["schedule_fallback"] = c.schedule_fallbacks[k];
  }
  return out;
}

Json steps(const ArtifactContents& c) {
  Json out = Json::array();
  for (const PlanStep& s : c.plan->steps) {
    out.push_back({{"kernel", c.plan->kernels[s.kernel].function_name},
                   {"layers", s.layers},
                   {"description", s.description},
                   {"args", s.args},
                   {"flops", s.flops}});
  }
  return out;
}

Json tensors(const ArtifactContents& c) {
  Json out = Json::array();
  for (size_t t = 0; t < c.plan->tensors.size(); ++t) {
    const PlanTensor& x = c.plan->tensors[t];
    Json j = {{"name", x.name},
              {"storage", storage_name(c.checked.storage[t])},
              {"offset", c.weights.offsets[t]},
              {"extents", x.extents},
              {"strides", x.strides}};
    if (x.alias_of >= 0) j["alias_of"] = x.alias_of;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

std::string manifest_json(const ArtifactContents& c) {
  const Plan& p = *c.plan;
  double flops = 0;
  for (const PlanStep& s : p.steps) flops += s.flops;
  Json j = {{"format", "kiln-artifact"},
            {"abi_version", c.abi_version},
            {"kiln_version", c.kiln_version},
            {"halide_version", halide_version()},
            {"target", c.target},
            {"block", p.block},
            {"inputs", ios(c, p.inputs)},
            {"outputs", ios(c, p.outputs)},
            {"arena_bytes", p.arena_floats * 4},
            {"intermediate_bytes", p.intermediate_floats * 4},
            {"weights_bytes", c.weights.bytes()},
            {"weights_checksum", checksum_hex(c.weights.checksum)},
            {"library_checksum", checksum_hex(c.library_checksum)},
            {"flops", flops},
            {"kernels", kernels(c)},
            {"steps", steps(c)},
            {"tensors", tensors(c)}};
  return j.dump(2) + "\n";
}

}  // namespace kiln::halide::codegen
