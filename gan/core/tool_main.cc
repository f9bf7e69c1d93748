#include "gan/core/tool_main.h"

#include <cstdio>
#include <string>

#include <glog/logging.h>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"

namespace gan {

int RunTool(int argc, char** argv, const char* usage, const std::function<absl::Status()>& run) {
  absl::SetProgramUsageMessage(usage);
  absl::ParseCommandLine(argc, argv);
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  const absl::Status status = run();
  if (!status.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}

}  // namespace gan
