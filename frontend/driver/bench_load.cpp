#include "frontend/driver/bench_load.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <thread>

namespace kiln::driver {

namespace {

// Busy jiffies of all CPUs: the first line of /proc/stat less idle and iowait.
double busy_seconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  uint64_t v[8] = {};
  if (!(in >> cpu) || cpu != "cpu") return 0;
  uint64_t total = 0;
  for (uint64_t& x : v) {
    in >> x;
    total += x;
  }
  return static_cast<double>(total - v[3] - v[4]) / ::sysconf(_SC_CLK_TCK);
}

double own_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return t.tv_sec + t.tv_usec * 1e-6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

}  // namespace

OtherLoad::OtherLoad() : start_(sample()) {}

OtherLoad::Sample OtherLoad::sample() {
  return {busy_seconds(), own_seconds(), std::chrono::steady_clock::now()};
}

double OtherLoad::share() const {
  Sample end = sample();
  double wall = std::chrono::duration<double>(end.when - start_.when).count();
  double capacity = wall * std::max(1u, std::thread::hardware_concurrency());
  if (capacity <= 0 || end.busy_seconds <= 0) return 0;
  double others = (end.busy_seconds - start_.busy_seconds) - (end.own_seconds - start_.own_seconds);
  return std::clamp(others / capacity, 0.0, 1.0);
}

}  // namespace kiln::driver
