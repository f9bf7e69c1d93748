// The main() of the toolkit's command-line programs: makes idle OpenMP threads wait
// passively unless OMP_WAIT_POLICY is set (by running the program again with it set),
// makes LibTorch keep freed large blocks for reuse (gan/core/caching_cpu_allocator.h),
// parses absl flags, sends glog to stderr, runs, and turns a failed status into
// "error: <message>" and exit code 1.
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

// libgomp reads OMP_WAIT_POLICY once, when it is loaded, so it cannot be changed from
// main(): when it is unset, this sets PASSIVE and runs the program again (same process,
// same arguments); it returns only when the variable was set (or exec failed). Idle
// threads spinning (libgomp's default) made 2-thread training iterations of the 28x28 and
// 32x32 DCGANs 1.8x and 2.6x slower on an idle 2-core machine (the 96x96 one about the
// same), and took 83% of the cycles beside other work (benchmarks/README.md).
// OMP_WAIT_POLICY=ACTIVE keeps spinning.
void PreferPassiveOpenMpWaiting(char** argv);

}  // namespace gan

#endif  // GAN_CORE_TOOL_MAIN_H_
