// The one list of passes, the -O pipeline, and pipeline spelling.
#include <algorithm>

#include "passes/pass_list.h"
#include "passes/pass_manager.h"

namespace kiln {

namespace {

struct Entry {
  std::string name;
  PassFactory factory;
};

std::vector<Entry> builtin_passes() {
  std::vector<PassFactory> factories = {
      passes::make_strip_training,       passes::make_canonicalize, passes::make_fold_batch_norm,
      passes::make_fuse_conv_activation, passes::make_dce,
  };
  std::vector<Entry> out;
  for (auto& f : factories) out.push_back({f()->name(), f});
  return out;
}

std::vector<Entry>& registry() {
  static std::vector<Entry> entries = builtin_passes();
  return entries;
}

std::string known_names() {
  std::string s;
  for (const Entry& e : registry()) s += (s.empty() ? "" : ", ") + e.name;
  return s;
}

}  // namespace

std::unique_ptr<Pass> create_pass(const std::string& name) {
  for (const Entry& e : registry())
    if (e.name == name) return e.factory();
  return nullptr;
}

std::vector<std::unique_ptr<Pass>> all_passes() {
  std::vector<std::unique_ptr<Pass>> out;
  for (const Entry& e : registry()) out.push_back(e.factory());
  return out;
}

// strip-training first: dead heads and dropouts would otherwise be optimised
// and could hide patterns. canonicalize next: a parameter-only subgraph must
// become a weight before fold-bn can read it, and an identity reshape between
// a conv and its relu would block fusion. fold-bn before fusion: the batch
// norm sits between the conv and its relu. dce last sweeps what is left.
std::vector<std::string> default_pipeline() {
  return {"strip-training", "canonicalize", "fold-bn", "fuse-conv-activation", "dce"};
}

std::vector<std::string> parse_pipeline(const std::string& csv) {
  std::vector<std::string> names;
  size_t start = 0;
  while (true) {
    size_t comma = csv.find(',', start);
    std::string name =
        csv.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (name.empty()) throw Error("empty pass name in pipeline '" + csv + "'");
    if (!create_pass(name))
      throw Error("unknown pass '" + name + "' (known: " + known_names() + ")");
    names.push_back(name);
    if (comma == std::string::npos) return names;
    start = comma + 1;
  }
}

void register_pass(const std::string& name, PassFactory factory) {
  if (create_pass(name)) throw Error("a pass named '" + name + "' is already registered");
  registry().push_back({name, std::move(factory)});
}

}  // namespace kiln
