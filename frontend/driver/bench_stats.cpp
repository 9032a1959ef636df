#include "frontend/driver/bench_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kiln::driver {

double percentile(std::vector<double> samples, double q) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  double rank = std::clamp(q, 0.0, 1.0) * (samples.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(rank));
  size_t hi = std::min(lo + 1, samples.size() - 1);
  return samples[lo] + (samples[hi] - samples[lo]) * (rank - lo);
}

LatencyStats latency_stats(const std::vector<double>& samples) {
  LatencyStats s;
  if (samples.empty()) return s;
  auto [lo, hi] = std::minmax_element(samples.begin(), samples.end());
  s.min = *lo;
  s.max = *hi;
  s.median = percentile(samples, 0.5);
  s.p90 = percentile(samples, 0.9);
  s.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / samples.size();
  return s;
}

}  // namespace kiln::driver
