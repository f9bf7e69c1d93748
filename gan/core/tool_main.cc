#include "gan/core/tool_main.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <glog/logging.h>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "gan/core/caching_cpu_allocator.h"
#include "gan/core/stop_signal.h"

namespace gan {

void PreferPassiveOpenMpWaiting(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  execv("/proc/self/exe", argv);
  // Only if exec failed: go on with libgomp's default.
}

int RunTool(int argc, char** argv, const char* usage, const std::function<absl::Status()>& run) {
  PreferPassiveOpenMpWaiting(argv);
  UseCachingCpuAllocator();
  absl::SetProgramUsageMessage(usage);
  absl::ParseCommandLine(argc, argv);
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  const absl::Status status = run();
  // A requested stop (Ctrl-C, SIGTERM) is not an error: the tool has said what it saved.
  if (!status.ok() && !(absl::IsCancelled(status) && StopSignal() != 0)) {
    std::fprintf(stderr, "error: %s\n", std::string(status.message()).c_str());
  }
  return status.ok() ? 0 : 1;
}

}  // namespace gan
