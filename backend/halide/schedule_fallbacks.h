// The record of kernels compiled with another schedule than the one asked for: an
// autoscheduler that cannot schedule a kernel leaves it to the kernel's hand schedule (see
// autoschedule.h). Kept per process; code generation reads it in the worker that compiled the
// kernel and stores it next to the cached object, so artifacts report it (manifest.json).
#pragma once

#include <string>
#include <vector>

namespace kiln::halide {

struct ScheduleFallback {
  std::string scheduler;  // the schedule asked for, e.g. "li2018"
  std::string kernel;     // e.g. "softmax:softmax_n1_k10"
  std::string reason;     // Halide's message
};

// Adds `f` unless the same kernel and scheduler are recorded already; returns whether it was
// added. Thread-safe.
bool record_schedule_fallback(ScheduleFallback f);
// Everything recorded by this process, in order.
std::vector<ScheduleFallback> schedule_fallbacks();
// Empties the record. For a forked compile worker, which inherits its parent's record but must
// report only what its own kernel's build records.
void forget_schedule_fallbacks();

}  // namespace kiln::halide
