#include "backend/halide/memory_planner.h"

#include <algorithm>
#include <numeric>

namespace kiln::halide {

namespace {

constexpr int64_t kAlignFloats = 16;  // 64 bytes: one cache line, one AVX-512 vector

int64_t align_up(int64_t v) {
  return (v + kAlignFloats - 1) / kAlignFloats * kAlignFloats;
}

struct Interval {
  int first = -1, last = -1;
  bool empty() const { return first < 0; }
  void cover(int step) {
    first = first < 0 ? step : std::min(first, step);
    last = std::max(last, step);
  }
  bool overlaps(const Interval& o) const { return first <= o.last && o.first <= last; }
};

std::vector<Interval> live_ranges(const Plan& plan) {
  std::vector<Interval> live(plan.tensors.size());
  for (size_t s = 0; s < plan.steps.size(); ++s)
    for (int t : plan.steps[s].args) live[root_tensor(plan, t)].cover(static_cast<int>(s));
  return live;
}

struct Placed {
  int64_t offset, size;
  Interval live;
};

int64_t lowest_free_offset(const std::vector<Placed>& placed, int64_t size, const Interval& live) {
  std::vector<std::pair<int64_t, int64_t>> busy;  // [begin, end) of conflicting tensors
  for (const auto& p : placed)
    if (p.live.overlaps(live)) busy.emplace_back(p.offset, p.offset + p.size);
  std::sort(busy.begin(), busy.end());
  int64_t candidate = 0;
  for (const auto& [begin, end] : busy) {
    if (candidate + size <= begin) break;
    candidate = std::max(candidate, align_up(end));
  }
  return candidate;
}

}  // namespace

void plan_memory(Plan& plan) {
  std::vector<Interval> live = live_ranges(plan);
  std::vector<int> order;
  for (size_t t = 0; t < plan.tensors.size(); ++t) {
    const PlanTensor& pt = plan.tensors[t];
    if (pt.storage == PlanTensor::Storage::arena && pt.alias_of < 0 && !live[t].empty())
      order.push_back(static_cast<int>(t));
  }
  // Largest first packs tightest for the long-lived big activations of CNNs;
  // ties break by definition order so that the plan is deterministic.
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return plan.tensors[a].size_floats() > plan.tensors[b].size_floats();
  });
  std::vector<Placed> placed;
  plan.arena_floats = 0;
  plan.intermediate_floats = 0;
  for (int t : order) {
    int64_t size = align_up(plan.tensors[t].size_floats());
    int64_t offset = lowest_free_offset(placed, size, live[t]);
    plan.tensors[t].offset = offset;
    placed.push_back({offset, size, live[t]});
    plan.arena_floats = std::max(plan.arena_floats, offset + size);
    plan.intermediate_floats += plan.tensors[t].size_floats();
  }
}

}  // namespace kiln::halide
