#include "backend/halide/codegen/subprocess.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace kiln::halide::codegen {
namespace {

// Closes both ends of a pipe however run_command leaves.
struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (pipe2(fd, O_CLOEXEC) != 0)
      throw std::runtime_error(std::string("pipe: ") + strerror(errno));
  }
  ~Pipe() {
    close_end(0);
    close_end(1);
  }
  void close_end(int i) {
    if (fd[i] >= 0) close(fd[i]);
    fd[i] = -1;
  }
};

struct SpawnActions {
  posix_spawn_file_actions_t actions;
  SpawnActions() { posix_spawn_file_actions_init(&actions); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&actions); }
};

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) out.append(buf, n);
    if (n == 0 || (n < 0 && errno != EINTR)) return out;
  }
}

int wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("signal ") + strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

}  // namespace

std::string command_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& a : argv) {
    if (!line.empty()) line += ' ';
    line += a;
  }
  return line;
}

std::string run_command(const std::vector<std::string>& argv, const std::string& cwd) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  Pipe out;
  SpawnActions sa;
  // The child's stdout and stderr both go to the pipe (dup2 clears O_CLOEXEC on the copies).
  posix_spawn_file_actions_adddup2(&sa.actions, out.fd[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&sa.actions, out.fd[1], STDERR_FILENO);
  posix_spawn_file_actions_addchdir_np(&sa.actions, cwd.c_str());
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &sa.actions, nullptr, args.data(), environ);
  if (rc != 0) {
    throw std::runtime_error("cannot run `" + command_line(argv) + "`: " + strerror(rc));
  }
  out.close_end(1);
  const std::string output = read_all(out.fd[0]);
  const int status = wait_for(pid);
  if (status != 0) {
    throw std::runtime_error("`" + command_line(argv) + "` failed (" + describe_status(status) +
                             ")" + (output.empty() ? "" : ":\n" + output));
  }
  return output;
}

}  // namespace kiln::halide::codegen
