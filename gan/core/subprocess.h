// Runs a program to its end and keeps what it wrote to stdout and to stderr apart, so that
// a note a library prints on stderr (LibTorch's warnings, the oneDNN cache guard's) never
// spoils output that the caller parses.
//
//   const gan::CapturedRun run = gan::RunAndCapture({binary, "--print_config"});
//   if (run.exit_code == 0) config = nlohmann::json::parse(run.output);
#ifndef GAN_CORE_SUBPROCESS_H_
#define GAN_CORE_SUBPROCESS_H_

#include <string>
#include <vector>

namespace gan {

struct CapturedRun {
  int exit_code = -1;  // as a shell reports it: 128 + the signal that killed it
  std::string output;  // stdout
  std::string errors;  // stderr, or why the program could not be run
};

// Runs argv[0] (a path) with `argv`; SIGTERM reaches it if this process dies.
CapturedRun RunAndCapture(const std::vector<std::string>& argv);

}  // namespace gan

#endif  // GAN_CORE_SUBPROCESS_H_
