// How busy other processes kept the machine while `kiln bench` measured: on a
// shared machine a slow run means little without it.
#pragma once

#include <chrono>
#include <cstdint>

namespace kiln::driver {

class OtherLoad {
 public:
  OtherLoad();  // starts the window
  // Share of all CPUs' time since the start that went to other processes:
  // every CPU's busy time (/proc/stat) less this process's (all threads).
  // 0 where /proc is unavailable. Clock ticks are 10 ms, so windows shorter
  // than about a second read coarsely.
  double share() const;

 private:
  struct Sample {
    double busy_seconds = 0, own_seconds = 0;
    std::chrono::steady_clock::time_point when;
  };
  static Sample sample();
  Sample start_;
};

}  // namespace kiln::driver
