// The runtime's thread pool: every task exactly once, errors, nesting, sleeping workers.
#include "runtime/thread_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

namespace kiln::rt {
namespace {

struct Counts {
  std::vector<std::atomic<int>> runs;
  int min = 0;
  explicit Counts(int size, int first) : runs(size), min(first) {}
};

int count_task(void* user_context, int task, uint8_t*) {
  auto* counts = static_cast<Counts*>(user_context);
  counts->runs.at(task - counts->min).fetch_add(1);
  return 0;
}

TEST(ThreadPool, RunsEveryTaskExactlyOnce) {
  for (int threads : {1, 2, 3, 5}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.threads(), threads);
    for (int size : {0, 1, 2, 3, 7, 64, 1000}) {
      for (int repeat = 0; repeat < 20; ++repeat) {
        Counts counts(size, -3);
        ASSERT_EQ(pool.run(count_task, &counts, -3, size, nullptr), 0);
        for (int i = 0; i < size; ++i) {
          ASSERT_EQ(counts.runs[i].load(), 1)
              << "task " << i << " of " << size << " on " << threads << " threads";
        }
      }
    }
  }
}

int uneven_task(void* user_context, int task, uint8_t*) {
  auto* counts = static_cast<Counts*>(user_context);
  const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(task % 3);
  while (std::chrono::steady_clock::now() < until) {
  }
  counts->runs.at(task - counts->min).fetch_add(1);
  return 0;
}

int sleep_task(void* user_context, int task, uint8_t*) {
  const auto* millis = static_cast<const std::vector<int>*>(user_context);
  std::this_thread::sleep_for(std::chrono::milliseconds(millis->at(task)));
  return 0;
}

// Seconds that `run` takes.
template <typename Run>
double seconds_of(Run run) {
  const auto start = std::chrono::steady_clock::now();
  run();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Thread 0 owns task 0 (40 ms), thread 1 tasks 1 and 2 (2 ms each) and then finds nothing left
// to take: it waits ~36 ms of the ~40 ms loop, thread 0 none. Should the worker start late, the
// caller runs its tasks too and the worker waits the whole loop. Bounds relative to the loop's
// own time, which a loaded machine stretches.
TEST(ThreadPool, TimingMeasuresTheWaitForTheLastTask) {
  ThreadPool pool(2);
  std::vector<int> millis{40, 2, 2};
  ASSERT_EQ(pool.run(sleep_task, &millis, 0, 3, nullptr), 0);
  EXPECT_EQ(pool.take_wait_seconds(), 0.0);  // timing is off by default
  pool.set_timing(true);
  const double loop =
      seconds_of([&] { EXPECT_EQ(pool.run(sleep_task, &millis, 0, 3, nullptr), 0); });
  const double waited = pool.take_wait_seconds();
  EXPECT_GT(waited, 0.5 * loop);
  EXPECT_LE(waited, 2 * loop);               // two threads can wait no longer than the loop each
  EXPECT_EQ(pool.take_wait_seconds(), 0.0);  // taken
  // A one-task loop runs inline: the other thread idles for all of it.
  millis = {10};
  const double single =
      seconds_of([&] { EXPECT_EQ(pool.run(sleep_task, &millis, 0, 1, nullptr), 0); });
  const double idle = pool.take_wait_seconds();
  EXPECT_GT(idle, 0.9 * 0.010);
  EXPECT_LE(idle, single);
  // One thread: nothing to wait for.
  ThreadPool one(1);
  one.set_timing(true);
  millis = {5, 5};
  EXPECT_EQ(one.run(sleep_task, &millis, 0, 2, nullptr), 0);
  EXPECT_EQ(one.take_wait_seconds(), 0.0);
}

// More threads than CPUs, so workers are preempted mid-loop and come back while the caller has
// moved on to loops of other sizes and ranges: still every task of every loop exactly once.
TEST(ThreadPool, BackToBackLoopsWithPreemptedWorkers) {
  ThreadPool pool(2 * std::max(2u, std::thread::hardware_concurrency()));
  for (int loop = 0; loop < 3000; ++loop) {
    const int size = 1 + loop * 7 % 23;
    Counts counts(size, loop);
    ASSERT_EQ(pool.run(uneven_task, &counts, loop, size, nullptr), 0);
    for (int i = 0; i < size; ++i) {
      ASSERT_EQ(counts.runs[i].load(), 1) << "loop " << loop << " task " << i;
    }
  }
}

// Tasks 0 and 1 wait for each other: the loop only finishes if two threads run it at once.
int rendezvous_task(void* user_context, int, uint8_t*) {
  auto* arrived = static_cast<std::atomic<int>*>(user_context);
  arrived->fetch_add(1);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (arrived->load() < 2) {
    if (std::chrono::steady_clock::now() > deadline) return 1;
  }
  return 0;
}

TEST(ThreadPool, WorkersRunTasksConcurrentlyAfterSleeping) {
  ThreadPool pool(2);
  for (int round = 0; round < 3; ++round) {
    // Long enough for the worker to stop polling and sleep.
    std::this_thread::sleep_for(std::chrono::milliseconds(round * 20));
    std::atomic<int> arrived{0};
    EXPECT_EQ(pool.run(rendezvous_task, &arrived, 0, 2, nullptr), 0) << "round " << round;
  }
}

int fail_on_odd(void* user_context, int task, uint8_t*) {
  static_cast<std::atomic<int>*>(user_context)->fetch_add(1);
  return task % 2 == 1 ? -7 : 0;
}

TEST(ThreadPool, ReturnsAnErrorAndStillRunsTheRest) {
  ThreadPool pool(2);
  std::atomic<int> ran{0};
  EXPECT_EQ(pool.run(fail_on_odd, &ran, 0, 50, nullptr), -7);
  EXPECT_EQ(ran.load(), 50);
  ran = 0;
  EXPECT_EQ(pool.run(fail_on_odd, &ran, 0, 1, nullptr), 0);  // the next loop starts clean
}

struct Nested {
  ThreadPool* pool;
  std::atomic<int> inner{0};
};

int inner_task(void* user_context, int, uint8_t*) {
  static_cast<Nested*>(user_context)->inner.fetch_add(1);
  return 0;
}

int outer_task(void* user_context, int, uint8_t*) {
  auto* nested = static_cast<Nested*>(user_context);
  return nested->pool->run(inner_task, nested, 0, 10, nullptr);
}

TEST(ThreadPool, NestedLoopsRunInline) {
  ThreadPool pool(2);
  Nested nested{&pool};
  EXPECT_EQ(pool.run(outer_task, &nested, 0, 8, nullptr), 0);
  EXPECT_EQ(nested.inner.load(), 80);
}

TEST(ThreadPool, StopsWithWorkersAsleepOrBusy) {
  for (int i = 0; i < 20; ++i) {
    ThreadPool pool(3);
    Counts counts(16, 0);
    pool.run(count_task, &counts, 0, 16, nullptr);
    if (i % 2 == 1) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }  // destructors join; a lost wake-up would hang here
}

TEST(ThreadPool, DefaultThreadCountFollowsHlNumThreads) {
  const char* saved = std::getenv("HL_NUM_THREADS");
  const std::string previous = saved != nullptr ? saved : "";
  setenv("HL_NUM_THREADS", "3", 1);
  EXPECT_EQ(default_thread_count(), 3);
  unsetenv("HL_NUM_THREADS");
  EXPECT_GE(default_thread_count(), 1);
  if (saved != nullptr) setenv("HL_NUM_THREADS", previous.c_str(), 1);
}

}  // namespace
}  // namespace kiln::rt
