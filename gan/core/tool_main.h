// The main() of the toolkit's command-line programs: parses absl flags, sends glog to
// stderr, runs, and turns a failed status into "error: <message>" and exit code 1.
//
//   int main(int argc, char** argv) {
//     return gan::RunTool(argc, argv, "Writes samples of a trained run.", gan::Run);
//   }
#ifndef GAN_CORE_TOOL_MAIN_H_
#define GAN_CORE_TOOL_MAIN_H_

#include <functional>

#include "absl/status/status.h"

namespace gan {

int RunTool(int argc, char** argv, const char* usage, const std::function<absl::Status()>& run);

}  // namespace gan

#endif  // GAN_CORE_TOOL_MAIN_H_
