// One line that says what computes here: the CPU (gan/core/cpu_info.h), the LibTorch and
// oneDNN versions, the kernel level ATen dispatches to, the intra-op threads, the
// environment settings that pin kernels, and what the oneDNN cache guard did. Tests whose
// numbers depend on the machine print it when they fail.
//
//   EXPECT_LT(error, 1e-4) << gan::DescribeMachine();
#ifndef GAN_CORE_MACHINE_DESCRIPTION_H_
#define GAN_CORE_MACHINE_DESCRIPTION_H_

#include <string>

namespace gan {

std::string DescribeMachine();

}  // namespace gan

#endif  // GAN_CORE_MACHINE_DESCRIPTION_H_
