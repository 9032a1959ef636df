// Runs compile jobs in forked worker processes, a few at a time.
//
// Why processes: Halide 14 names Funcs through process-wide counters, so compiling a kernel in
// a process that compiled anything before renames its internals ("conv2d_output$3") and the
// object bytes depend on history; threads also interleave those counters (measured: kernels
// compiled on two threads differ from serial compiles, and scale poorly). A forked child starts
// from the parent's state, compiles exactly one thing and exits, so every object depends only on
// the caller's state and its job, and jobs run truly in parallel.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace kiln::halide::codegen {

struct WorkerJob {
  std::string name;            // for messages, e.g. the kernel's function name
  std::function<void()> work;  // runs in the child; throws to fail
};

// Runs every job, at most `parallel` at once, and calls on_done(index) in the calling thread as
// each succeeds. After a failure no new job starts; once the running ones end, throws
// std::runtime_error with each failed job's name and message (or how its worker died).
// The caller should not be running Halide compilations on other threads meanwhile.
void run_in_workers(const std::vector<WorkerJob>& jobs, int parallel,
                    const std::function<void(size_t)>& on_done);

}  // namespace kiln::halide::codegen
