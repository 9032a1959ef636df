#include "frontend/weight_init.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <numbers>
#include <system_error>
#include <thread>

namespace kiln {

namespace {

// splitmix64's output function: a bijective 64-bit mixer.
uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t fnv1a(const std::string& s, uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and the same everywhere.
// Normals by Box-Muller in double: sqrt is exact in IEEE arithmetic and
// log/cos/sin are faithfully rounded by every mainstream libm, so the float
// results agree across platforms.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t next() { return mix64(state_ += 0x9e3779b97f4a7c15ULL); }
  // In [0, 1), 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double r = std::sqrt(-2.0 * std::log(1.0 - uniform()));  // 1 - u is in (0, 1]
    double theta = 2.0 * std::numbers::pi * uniform();
    spare_ = r * std::sin(theta);
    has_spare_ = true;
    return r * std::cos(theta);
  }

 private:
  uint64_t state_;
  double spare_ = 0;
  bool has_spare_ = false;
};

uint64_t stream_seed(const std::string& name, const TensorType& type, uint64_t seed) {
  uint64_t h = fnv1a(name);
  for (int64_t d : type.dims) h = mix64(h ^ static_cast<uint64_t>(d));
  return mix64(h ^ mix64(seed));
}

void fill_normal(Tensor& t, Rng& rng, double stddev) {
  for (float& v : t.data) v = static_cast<float>(stddev * rng.normal());
}

void fill_uniform(Tensor& t, Rng& rng, double lo, double hi) {
  for (float& v : t.data) v = static_cast<float>(rng.uniform(lo, hi));
}

}  // namespace

const char* weight_role_name(WeightRole r) {
  switch (r) {
    case WeightRole::conv_weight:
      return "conv_weight";
    case WeightRole::dense_weight:
      return "dense_weight";
    case WeightRole::bias:
      return "bias";
    case WeightRole::bn_scale:
      return "bn_scale";
    case WeightRole::bn_bias:
      return "bn_bias";
    case WeightRole::bn_mean:
      return "bn_mean";
    case WeightRole::bn_variance:
      return "bn_variance";
    case WeightRole::other:
      return "other";
    case WeightRole::unused:
      return "unused";
  }
  return "?";
}

WeightRole weight_role(const Graph& g, const Node& weight) {
  std::vector<Node*> users = g.users(&weight);
  if (users.empty()) return WeightRole::unused;
  const Node& user = *users.front();
  size_t slot =
      std::find(user.inputs().begin(), user.inputs().end(), &weight) - user.inputs().begin();
  if (user.is("conv2d") || user.is("dense")) {
    if (slot == 1) return user.is("conv2d") ? WeightRole::conv_weight : WeightRole::dense_weight;
    if (slot == 2) return WeightRole::bias;
  }
  if (user.is("batch_norm") && slot >= 1 && slot <= 4) {
    const WeightRole bn[] = {WeightRole::bn_scale, WeightRole::bn_bias, WeightRole::bn_mean,
                             WeightRole::bn_variance};
    return bn[slot - 1];
  }
  return WeightRole::other;
}

Tensor seeded_tensor(const std::string& name, const TensorType& type, WeightRole role,
                     uint64_t seed) {
  Tensor t(type);
  Rng rng(stream_seed(name, type, seed));
  // fan_in of an OIHW conv or [out, in] dense weight: everything but dim 0.
  double fan_in = type.rank() > 0 && type.dim(0) > 0
                      ? static_cast<double>(type.num_elements()) / static_cast<double>(type.dim(0))
                      : 1.0;
  switch (role) {
    case WeightRole::conv_weight:
    case WeightRole::dense_weight:
      fill_normal(t, rng, std::sqrt(2.0 / std::max(fan_in, 1.0)));
      break;
    case WeightRole::bias:
      fill_normal(t, rng, 0.01);
      break;
    case WeightRole::bn_scale:
      fill_uniform(t, rng, 0.5, 1.0);
      break;
    case WeightRole::bn_bias:
    case WeightRole::bn_mean:
      fill_normal(t, rng, 0.1);
      break;
    case WeightRole::bn_variance:
      fill_uniform(t, rng, 0.5, 2.0);
      break;
    case WeightRole::other:
      fill_normal(t, rng, 1.0);
      break;
    case WeightRole::unused:
      break;  // already zeros
  }
  return t;
}

WeightMap seeded_weights(const Graph& g, uint64_t seed) {
  const std::vector<Node*> nodes = g.weights();
  std::vector<WeightRole> roles;
  for (const Node* w : nodes) roles.push_back(weight_role(g, *w));
  // Each tensor has its own stream, so threads taking tensors in any order produce the same
  // values. The normals' log/sin/cos dominate: ResNet-50's 25M values took ~0.3 s on one core,
  // most of a warm `kiln compile`.
  std::vector<Tensor> tensors(nodes.size());
  std::atomic<size_t> next{0};
  std::vector<std::exception_ptr> failed(nodes.size());  // e.g. bad_alloc, rethrown below
  auto fill = [&] {
    for (size_t i = next++; i < nodes.size(); i = next++) {
      try {
        const Node& w = *nodes[i];
        tensors[i] = allocating("weight %" + w.name(), w.type(),
                                [&] { return seeded_tensor(w.name(), w.type(), roles[i], seed); });
      } catch (...) {
        failed[i] = std::current_exception();
      }
    }
  };
  const size_t helpers =
      std::min<size_t>({std::max(std::thread::hardware_concurrency(), 1u) - 1, 7, nodes.size()});
  std::vector<std::thread> threads;
  try {
    for (size_t t = 0; t < helpers; ++t) threads.emplace_back(fill);
  } catch (const std::system_error&) {
    // No more threads (a process limit): the ones started and this one do all the work.
  }
  fill();
  for (std::thread& t : threads) t.join();
  for (const std::exception_ptr& e : failed)
    if (e) std::rethrow_exception(e);
  WeightMap out;
  for (size_t i = 0; i < nodes.size(); ++i) out.emplace(nodes[i]->name(), std::move(tensors[i]));
  return out;
}

Tensor seeded_input(const TensorType& type, uint64_t seed) {
  // A name no weight can have ('%' is not valid in value names) keeps input
  // streams apart from weight streams.
  return seeded_tensor("%input", type, WeightRole::other, seed);
}

}  // namespace kiln
