#include "frontend/weights.h"

#include <functional>
#include <set>

#include "frontend/safetensors.h"
#include "ir/error.h"

namespace kiln {

namespace {

// Collects mismatches so that one error shows all of them: fixing a weights
// file one tensor per run is tedious.
class Mismatches {
 public:
  void add(std::string line) {
    if (lines_.size() < kMaxLines) lines_.push_back(std::move(line));
    ++count_;
  }
  void throw_if_any(const std::string& source, const Graph& g) const {
    if (!count_) return;
    std::string msg = source + ": does not match graph @" + g.name() + " (" +
                      std::to_string(count_) + " problem" + (count_ > 1 ? "s" : "") + ")";
    for (const auto& l : lines_) msg += "\n  " + l;
    if (count_ > lines_.size())
      msg += "\n  ... and " + std::to_string(count_ - lines_.size()) + " more";
    throw Error(msg);
  }

 private:
  static constexpr size_t kMaxLines = 20;
  std::vector<std::string> lines_;
  size_t count_ = 0;
};

// `lookup` gives the type of a tensor in the source, or nullptr when absent;
// `names` lists the source's tensors.
void match(const Graph& g, const std::string& source,
           const std::function<const TensorType*(const std::string&)>& lookup,
           const std::vector<std::string>& names, const LoadWeightsOptions& opts) {
  Mismatches problems;
  std::set<std::string> wanted;
  for (const Node* w : g.weights()) {
    wanted.insert(w->name());
    const TensorType* t = lookup(w->name());
    if (!t)
      problems.add("missing tensor '" + w->name() + "' for %" + w->name() + " : " +
                   w->type().str());
    else if (*t != w->type())
      problems.add("tensor '" + w->name() + "' is " + t->str() + " but %" + w->name() + " needs " +
                   w->type().str());
  }
  if (!opts.allow_extra)
    for (const auto& n : names)
      if (!wanted.count(n)) problems.add("extra tensor '" + n + "' is not a weight of the graph");
  problems.throw_if_any(source, g);
}

}  // namespace

WeightMap load_weights(const Graph& g, const std::string& path, const LoadWeightsOptions& opts) {
  SafetensorsReader file(path);
  std::vector<std::string> names;
  for (const auto& e : file.entries()) names.push_back(e.name);
  match(
      g, path,
      [&](const std::string& n) {
        const SafetensorsEntry* e = file.find(n);
        return e ? &e->type : nullptr;
      },
      names, opts);
  WeightMap out;
  for (const Node* w : g.weights()) out.emplace(w->name(), file.read(*file.find(w->name())));
  return out;
}

void check_weights(const Graph& g, const WeightMap& weights, const std::string& source,
                   const LoadWeightsOptions& opts) {
  std::vector<std::string> names;
  for (const auto& [name, t] : weights) {
    names.push_back(name);
    if (t.size() != t.type.num_elements())
      throw Error(source + ": tensor '" + name + "' has " + std::to_string(t.size()) +
                  " values but its type " + t.type.str() + " holds " +
                  std::to_string(t.type.num_elements()));
  }
  match(
      g, source,
      [&](const std::string& n) {
        auto it = weights.find(n);
        return it == weights.end() ? nullptr : &it->second.type;
      },
      names, opts);
}

void save_weights(const std::string& path, const WeightMap& weights) {
  write_safetensors(path, weights);
}

}  // namespace kiln
