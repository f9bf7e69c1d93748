#include "gan/run/local_launcher.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"

namespace gan {

int RunLocalRanks(int argc, char** argv, int nproc, bool share_cores) {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  std::vector<pid_t> ranks;
  for (int rank = 0; rank < nproc; ++rank) {
    std::vector<std::string> arguments;
    for (int i = 1; i < argc; ++i) {
      if (!absl::StartsWith(argv[i], "--nproc")) arguments.push_back(argv[i]);
    }
    if (share_cores) arguments.push_back("--threads=" + std::to_string(std::max(1, cores / nproc)));
    arguments.push_back("--rank=" + std::to_string(rank));
    arguments.push_back("--world_size=" + std::to_string(nproc));
    const pid_t pid = fork();
    if (pid < 0) {
      std::perror("fork");
      for (pid_t started : ranks) kill(started, SIGTERM);
      return 1;
    }
    if (pid == 0) {
      std::vector<char*> child_argv{argv[0]};
      for (std::string& argument : arguments) child_argv.push_back(argument.data());
      child_argv.push_back(nullptr);
      execv("/proc/self/exe", child_argv.data());
      std::perror("execv");
      _exit(127);
    }
    ranks.push_back(pid);
  }
  int result = 0;
  for (size_t remaining = ranks.size(); remaining > 0; --remaining) {
    int status = 0;
    const pid_t pid = wait(&status);
    if (pid < 0) break;
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (code != 0 && result == 0) {
      result = code;
      std::fprintf(stderr, "launcher: a rank (pid %d) exited with %d; stopping the others\n",
                   static_cast<int>(pid), code);
      for (pid_t other : ranks) {
        if (other != pid) kill(other, SIGTERM);
      }
    }
  }
  return result;
}

}  // namespace gan
