#include "frontend/driver/bench_manifest.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "ir/error.h"

namespace kiln::driver {

namespace {

using Json = nlohmann::json;

std::string join_dims(const std::vector<int64_t>& dims) {
  std::string s;
  for (int64_t d : dims) {
    if (!s.empty()) s += 'x';
    s += std::to_string(d);
  }
  return s.empty() ? "scalar" : s;
}

// Extents are Halide order (innermost first). Activations between kernels
// are blocked NCHW<V>c, extents (V, W, H, C/V, N): folded back to NCHW.
std::vector<int64_t> logical_dims(const std::vector<int64_t>& extents, int64_t block) {
  std::vector<int64_t> dims(extents.rbegin(), extents.rend());
  if (dims.size() == 5 && dims[4] == block) return {dims[0], dims[1] * block, dims[2], dims[3]};
  return dims;
}

std::string tensor_shape(const Json& tensor, int64_t block, const Graph* g) {
  std::string name = tensor.value("name", "");
  if (g != nullptr)
    if (Node* n = g->find(name); n != nullptr && n->type().rank() > 0)
      return join_dims(n->type().dims);
  return join_dims(logical_dims(tensor.value("extents", std::vector<int64_t>{}), block));
}

std::string step_shapes(const Json& step, const Json& tensors, int64_t block, const Graph* g) {
  std::vector<int> args = step.value("args", std::vector<int>{});
  if (args.empty()) return "";
  std::string in;
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    const Json& t = tensors.at(args[i]);
    if (t.value("storage", "") == "weights") continue;
    in += (in.empty() ? "" : " + ") + tensor_shape(t, block, g);
  }
  return in + " -> " + tensor_shape(tensors.at(args.back()), block, g);
}

Json parse_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot read " + path + ": not an artifact directory written by kiln");
  Json j = Json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("steps") || !j.contains("tensors"))
    throw Error(path + ": not a kiln artifact manifest");
  return j;
}

}  // namespace

ArtifactManifest read_manifest(const std::string& artifact_dir, const Graph* g) {
  std::string path = (std::filesystem::path(artifact_dir) / "manifest.json").string();
  Json j = parse_file(path);
  try {
    ArtifactManifest m;
    m.target = j.value("target", "");
    m.flops = j.value("flops", 0.0);
    std::map<std::string, std::string> ops, schedules;
    for (const Json& k : j.at("kernels")) {
      ops[k.value("function", "")] = k.value("op", "");
      schedules[k.value("function", "")] = k.value("schedule", "");
    }
    int64_t block = j.value("block", 16);
    for (const Json& s : j.at("steps")) {
      std::string kernel = s.value("kernel", "");
      m.steps.push_back({kernel, ops[kernel], schedules[kernel],
                         s.value("layers", std::vector<std::string>{}),
                         step_shapes(s, j.at("tensors"), block, g), s.value("flops", 0.0)});
    }
    return m;
  } catch (const Json::exception& e) {
    throw Error(path + ": malformed manifest: " + e.what());
  }
}

}  // namespace kiln::driver
