// The runtime's thread pool: runs the parallel loops of a model's kernels in place of Halide's.
//
// Why not Halide's own pool: it hands out loop iterations first come, first served, so which
// core computes which rows of a layer changes from layer to layer and run to run, and every
// layer reads half its input from the other core's L2. Here thread t owns the t-th contiguous
// range of every loop: a kernel whose tasks are ordered spatially (rows outermost) then
// produces the same rows on the same core in every layer, and the next layer finds its input in
// the local L2. A thread that finishes its range early takes tasks from the front of the others',
// so a preempted vCPU delays a layer by one task, not by half of it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace kiln::rt {

// HL_NUM_THREADS if set (as for Halide's own pool), else one per CPU this process may run on.
int default_thread_count();

// Halide's task signature (halide_task_t): runs loop iteration `task`. Tasks are C code and
// must not throw. Only halide_do_par_for loops come here: a schedule using async or
// parallel-task features would call halide_do_parallel_tasks and Halide's own pool.
using TaskFn = int (*)(void* user_context, int task, uint8_t* closure);

// The do_par_for hook installed into every artifact's Halide runtime: runs the loop on the pool
// of the innermost ThreadPool::Scope on this thread (kiln_model_run opens one per run; the
// runtime is shared by every model loaded from an artifact, so the hook cannot hold a pool), or
// serially outside any scope.
int run_parallel_loop(void* user_context, TaskFn fn, int min, int size, uint8_t* closure);

class ThreadPool {
 public:
  // `threads` >= 1 threads in all: the caller of run() and threads - 1 workers. Throws
  // std::system_error if the workers cannot be started.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return static_cast<int>(ranges_.size()); }

  // Makes `pool` the one run_parallel_loop uses on this thread, for the scope's lifetime.
  class Scope {
   public:
    explicit Scope(ThreadPool& pool);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    ThreadPool* previous_;
  };

  // Calls fn(user_context, i, closure) for every i in [min, min + size) and returns once all
  // have returned: 0, or the first non-zero result (the remaining tasks still run, as in
  // Halide's pool). Called from a task (nested parallelism), the loop runs serially inline.
  // Not to be called from two threads at once: the current loop's fields are shared and
  // wait_seconds_ is a plain double. Nothing here locks against that; one pool serves one model,
  // and kiln_runtime.h allows one thread at a time per model.
  int run(TaskFn fn, void* user_context, int min, int size, uint8_t* closure);

  // With timing on, run() measures how long the threads wait at the end of each parallel loop:
  // from each thread's last task to the loop's end (the whole loop for a thread that got no
  // task, as every thread but the caller in a one-task loop). Loops run inline from a task are
  // not counted. The cost is a clock read per task and two per loop, so it is off unless
  // profiling asks.
  void set_timing(bool on) { timing_ = on; }
  // Thread-seconds waited since the last call (by the loops of the calling thread's runs).
  double take_wait_seconds() { return std::exchange(wait_seconds_, 0.0); }

 private:
  // One thread's range of the current loop. `next` packs the loop's generation (high 32 bits)
  // with the next unclaimed index (low 32 bits), so a thread still looking at a finished loop
  // can never claim a task of the one after it.
  struct alignas(64) Range {
    std::atomic<uint64_t> next{0};
    std::atomic<int> end{0};
  };

  // When the thread last finished a task, in steady_clock nanoseconds (timing only).
  struct alignas(64) Finish {
    std::atomic<int64_t> nanos{0};
  };

  void stop();
  void work_on(uint32_t generation, int self);
  bool claim_and_run(uint32_t generation, Range& range, int self);
  void worker_main(int index);
  void add_wait(int64_t start_nanos);

  std::vector<Range> ranges_;
  std::vector<Finish> finished_;
  std::atomic<bool> timing_{false};
  double wait_seconds_ = 0;
  // The current loop, published before generation_ is bumped.
  std::atomic<TaskFn> fn_{nullptr};
  std::atomic<void*> user_context_{nullptr};
  std::atomic<uint8_t*> closure_{nullptr};
  std::atomic<int> min_{0};
  // Tasks of the current loop not yet counted off; each thread counts its own off at once when
  // it finds no task left to claim.
  alignas(64) std::atomic<int> remaining_{0};
  std::atomic<int> result_{0};
  alignas(64) std::atomic<uint32_t> generation_{0};
  std::atomic<int> sleepers_{0};
  std::mutex sleep_mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> workers_;
};

}  // namespace kiln::rt
