#include "tests/driver/kiln_process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kiln::testing {

namespace {

constexpr const char* kKiln = KILN_BINARY_DIR "/kiln";

// Output goes to files rather than pipes: a chatty child can then never
// block on a full pipe while the parent waits for it.
[[noreturn]] void exec_child(const std::string& program, const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env, const std::string& cwd,
                             const std::string& out, const std::string& err) {
  int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out_fd < 0 || err_fd < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0) ::_exit(127);
  if (::chdir(cwd.c_str()) != 0) ::_exit(127);
  for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
  std::vector<char*> argv = {const_cast<char*>(program.c_str())};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(program.c_str(), argv.data());
  ::_exit(127);
}

KilnResult run_program_in(const std::string& cwd, const std::string& program,
                          const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env) {
  ScratchDir io;
  std::string out = io.file("stdout"), err = io.file("stderr");
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) exec_child(program, args, env, cwd, out, err);
  int wstatus = 0;
  if (::waitpid(pid, &wstatus, 0) != pid) throw std::runtime_error("waitpid failed");
  KilnResult r;
  r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

}  // namespace

KilnResult run_kiln(const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env) {
  return run_program_in(KILN_SOURCE_DIR, kKiln, args, env);
}

KilnResult run_kiln_in(const std::string& cwd, const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env) {
  return run_program_in(cwd, kKiln, args, env);
}

KilnResult run_program(const std::string& program, const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env) {
  return run_program_in(KILN_SOURCE_DIR, program, args, env);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int count_of(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size()))
    ++n;
  return n;
}

}  // namespace kiln::testing
