#include "backend/halide/schedule_fallbacks.h"

#include <mutex>

namespace kiln::halide {
namespace {

std::mutex& fallbacks_mutex() {
  static std::mutex m;
  return m;
}

std::vector<ScheduleFallback>& fallbacks() {
  static std::vector<ScheduleFallback> list;
  return list;
}

}  // namespace

bool record_schedule_fallback(ScheduleFallback f) {
  std::lock_guard<std::mutex> lock(fallbacks_mutex());
  for (const ScheduleFallback& g : fallbacks())
    if (g.scheduler == f.scheduler && g.kernel == f.kernel) return false;
  fallbacks().push_back(std::move(f));
  return true;
}

std::vector<ScheduleFallback> schedule_fallbacks() {
  std::lock_guard<std::mutex> lock(fallbacks_mutex());
  return fallbacks();
}

void forget_schedule_fallbacks() {
  std::lock_guard<std::mutex> lock(fallbacks_mutex());
  fallbacks().clear();
}

}  // namespace kiln::halide
