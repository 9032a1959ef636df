#include "runtime/thread_pool.h"

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace kiln::rt {
namespace {

// Set while a thread runs a task: a parallel loop inside a task runs inline.
thread_local bool t_in_task = false;
thread_local ThreadPool* t_scope_pool = nullptr;

// An idle worker polls this long before it sleeps: kernels follow each other within
// microseconds during a run, and a futex wake-up costs more than that.
constexpr std::chrono::microseconds kSpinTime{500};
// After this many polls (a few microseconds) each further poll yields the CPU, so that with
// more threads than CPUs the thread that has the work gets to run.
constexpr int kPausePolls = 200;

void cpu_relax(int poll) {
#if defined(__x86_64__) || defined(__i386__)
  if (poll < kPausePolls) {
    _mm_pause();
    return;
  }
#endif
  std::this_thread::yield();
}

int run_serially(TaskFn fn, void* user_context, int min, int size, uint8_t* closure) {
  int result = 0;
  for (int i = min; i < min + size; ++i) {
    if (const int rc = fn(user_context, i, closure); rc != 0 && result == 0) result = rc;
  }
  return result;
}

int64_t now_nanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

uint64_t pack(uint32_t generation, int index) {
  return (uint64_t{generation} << 32) | static_cast<uint32_t>(index);
}

}  // namespace

int default_thread_count() {
  if (const char* env = std::getenv("HL_NUM_THREADS"); env != nullptr && std::atoi(env) > 0) {
    return std::atoi(env);
  }
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof(allowed), &allowed) == 0) return std::max(1, CPU_COUNT(&allowed));
  return std::max(1u, std::thread::hardware_concurrency());
}

int run_parallel_loop(void* user_context, TaskFn fn, int min, int size, uint8_t* closure) {
  if (t_scope_pool != nullptr) return t_scope_pool->run(fn, user_context, min, size, closure);
  return run_serially(fn, user_context, min, size, closure);
}

ThreadPool::Scope::Scope(ThreadPool& pool) : previous_(std::exchange(t_scope_pool, &pool)) {}

ThreadPool::Scope::~Scope() {
  t_scope_pool = previous_;
}

ThreadPool::ThreadPool(int threads)
    : ranges_(threads < 1 ? 1 : threads), finished_(ranges_.size()) {
  try {
    for (int i = 1; i < this->threads(); ++i) {
      workers_.emplace_back([this, i] { worker_main(i); });
    }
  } catch (...) {
    stop();  // the threads already started; the caller sees the std::system_error
    throw;
  }
}

ThreadPool::~ThreadPool() {
  stop();
}

void ThreadPool::stop() {
  {
    const std::lock_guard<std::mutex> lock(sleep_mutex_);
    stopping_ = true;
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  for (std::thread& w : workers_) w.join();
}

bool ThreadPool::claim_and_run(uint32_t generation, Range& range, int self) {
  uint64_t next = range.next.load();
  for (;;) {
    if (static_cast<uint32_t>(next >> 32) != generation) return false;  // a later loop
    const int index = static_cast<int>(static_cast<uint32_t>(next));
    if (index >= range.end.load()) return false;
    if (range.next.compare_exchange_weak(next, next + 1)) {
      // The claim succeeded under this generation, so the loop is not finished and the fields
      // read before it belong to it.
      const TaskFn fn = fn_.load();
      t_in_task = true;
      const int rc = fn(user_context_.load(), min_.load() + index, closure_.load());
      t_in_task = false;
      if (rc != 0) {
        int expected = 0;
        result_.compare_exchange_strong(expected, rc);
      }
      // Before the count drops (work_on): the caller reads it once the count is zero.
      if (timing_.load(std::memory_order_relaxed)) finished_[self].nanos = now_nanos();
      return true;
    }
  }
}

// Own range first, then the others' from their fronts. The tasks run are counted off
// `remaining_` once, at the end, not after each: that shared line then no longer bounces between
// the cores every task (ResNet-50's 56x56 and 28x28 layers, ~100-220 tasks each, 1-2.5% faster
// at two threads, 4 alternating rounds; the others unchanged).
void ThreadPool::work_on(uint32_t generation, int self) {
  const int n = threads();
  int ran = 0;
  for (int k = 0; k < n; ++k) {
    Range& range = ranges_[(self + k) % n];
    while (claim_and_run(generation, range, self)) ++ran;
  }
  if (ran > 0) remaining_.fetch_sub(ran);
}

void ThreadPool::add_wait(int64_t start_nanos) {
  const int64_t end = now_nanos();
  int64_t waited = 0;
  for (const Finish& f : finished_) waited += end - std::max(start_nanos, f.nanos.load());
  wait_seconds_ += waited * 1e-9;
}

int ThreadPool::run(TaskFn fn, void* user_context, int min, int size, uint8_t* closure) {
  if (size <= 0) return 0;
  const bool timing = timing_.load(std::memory_order_relaxed);
  if (t_in_task || threads() == 1) return run_serially(fn, user_context, min, size, closure);
  const int64_t start = timing ? now_nanos() : 0;
  if (size == 1) {
    // Inline; with timing, the other threads idle for all of it.
    const int rc = run_serially(fn, user_context, min, size, closure);
    if (timing) wait_seconds_ += (threads() - 1) * (now_nanos() - start) * 1e-9;
    return rc;
  }
  const uint32_t generation = generation_.load() + 1;
  fn_ = fn;
  user_context_ = user_context;
  closure_ = closure;
  min_ = min;
  result_ = 0;
  remaining_ = size;
  const int n = threads();
  for (int t = 0; t < n; ++t) {
    // `next` before `end`: a thread still on the previous loop sees the new generation in
    // `next` before it could see a larger `end`.
    ranges_[t].next = pack(generation, static_cast<int>(int64_t{size} * t / n));
    ranges_[t].end = static_cast<int>(int64_t{size} * (t + 1) / n);
  }
  generation_ = generation;
  if (sleepers_.load() > 0) {
    // Taking the mutex orders this after a sleeper's last look at generation_.
    { const std::lock_guard<std::mutex> lock(sleep_mutex_); }
    wake_.notify_all();
  }
  work_on(generation, 0);
  for (int poll = 0; remaining_.load() > 0; ++poll) cpu_relax(poll);
  if (timing) add_wait(start);
  return result_.load();
}

void ThreadPool::worker_main(int index) {
  // Not generation_'s current value: the first loop may have been published before this thread
  // got here. Workers start before any loop, at generation 0.
  uint32_t seen = 0;
  for (;;) {
    uint32_t now = generation_.load();
    const auto give_up = std::chrono::steady_clock::now() + kSpinTime;
    for (int poll = 0; now == seen; ++poll) {
      if (poll >= kPausePolls && std::chrono::steady_clock::now() > give_up) break;
      cpu_relax(poll);
      now = generation_.load();
    }
    if (now == seen) {
      std::unique_lock<std::mutex> lock(sleep_mutex_);
      sleepers_.fetch_add(1);
      wake_.wait(lock, [&] { return generation_.load() != seen; });  // stop() bumps it too
      sleepers_.fetch_sub(1);
      now = generation_.load();
    }
    if (stopping_) return;
    seen = now;
    work_on(now, index);
  }
}

}  // namespace kiln::rt
