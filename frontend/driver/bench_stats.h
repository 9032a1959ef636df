// Summaries of repeated timings for `kiln bench`.
#pragma once

#include <vector>

namespace kiln::driver {

struct LatencyStats {
  double min = 0, median = 0, p90 = 0, mean = 0, max = 0;
};

// q in [0, 1], linearly interpolated between the closest ranks (numpy's
// default), so that min <= median <= p90 <= max always holds.
double percentile(std::vector<double> samples, double q);

// Zeros for no samples.
LatencyStats latency_stats(const std::vector<double>& samples);

}  // namespace kiln::driver
