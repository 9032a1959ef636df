#include "backend/halide/codegen/worker_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>

namespace kiln::halide::codegen {
namespace {

struct Worker {
  pid_t pid;
  int fd;  // read end of the pipe carrying the child's error message
  size_t job;
  std::string message;
};

void write_all(int fd, const std::string& text) {
  for (size_t done = 0; done < text.size();) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += n;
  }
}

// The child: run the job, report an exception's message through the pipe, and leave with
// _exit so none of the parent's atexit handlers, destructors or stdio buffers run twice.
[[noreturn]] void child_main(const WorkerJob& job, int fd) {
  int status = 0;
  try {
    job.work();
  } catch (const std::exception& e) {
    write_all(fd, e.what());
    status = 1;
  } catch (...) {
    write_all(fd, "unknown exception");
    status = 1;
  }
  _exit(status);
}

Worker launch(const std::vector<WorkerJob>& jobs, size_t i) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + strerror(errno));
  std::fflush(nullptr);  // otherwise buffered output could be written by parent and child
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    throw std::runtime_error(std::string("fork: ") + strerror(errno));
  }
  if (pid == 0) {
    close(fds[0]);
    child_main(jobs[i], fds[1]);
  }
  close(fds[1]);
  return {pid, fds[0], i, {}};
}

// Reads what is available; returns false at end of file (the child has exited or is exiting).
bool drain(Worker& w) {
  char buf[4096];
  const ssize_t n = read(w.fd, buf, sizeof buf);
  if (n > 0) w.message.append(buf, n);
  return n > 0 || (n < 0 && errno == EINTR);
}

// Reaps the worker; returns "" on success, else why it failed.
std::string finish(Worker& w) {
  close(w.fd);
  int status = 0;
  while (waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  if (!w.message.empty()) return w.message;
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    return "worker died from signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
  }
  return "worker failed with status " + std::to_string(status);
}

// Blocks until some worker has output or has exited; returns which ones.
std::vector<bool> wait_for_output(const std::vector<Worker>& running) {
  std::vector<pollfd> fds;
  for (const Worker& w : running) fds.push_back({w.fd, POLLIN, 0});
  while (poll(fds.data(), fds.size(), -1) < 0 && errno == EINTR) {
  }
  std::vector<bool> ready;
  for (const pollfd& p : fds) ready.push_back(p.revents != 0);
  return ready;
}

// One pass over the workers poll() found ready: collect output, reap those that exited.
void service(std::vector<Worker>& running, const std::vector<WorkerJob>& jobs,
             const std::function<void(size_t)>& on_done, std::string& failures) {
  const std::vector<bool> ready = wait_for_output(running);
  std::vector<Worker> still_running;
  for (size_t i = 0; i < running.size(); ++i) {
    if (!ready[i] || drain(running[i])) {
      still_running.push_back(std::move(running[i]));
      continue;
    }
    std::string error = finish(running[i]);
    const size_t job = running[i].job;
    if (error.empty()) {
      try {
        on_done(job);
      } catch (const std::exception& e) {
        error = e.what();
      }
    }
    if (!error.empty()) failures += "\n  " + jobs[job].name + ": " + error;
  }
  running = std::move(still_running);
}

}  // namespace

void run_in_workers(const std::vector<WorkerJob>& jobs, int parallel,
                    const std::function<void(size_t)>& on_done) {
  std::vector<Worker> running;
  std::string failures;
  size_t next = 0;
  while (!running.empty() || (next < jobs.size() && failures.empty())) {
    while (failures.empty() && next < jobs.size() && static_cast<int>(running.size()) < parallel) {
      try {
        running.push_back(launch(jobs, next));
      } catch (const std::exception& e) {
        failures += "\n  " + jobs[next].name + ": " + e.what();
      }
      ++next;
    }
    if (!running.empty()) service(running, jobs, on_done, failures);
  }
  if (!failures.empty()) throw std::runtime_error("compilation failed:" + failures);
}

}  // namespace kiln::halide::codegen
