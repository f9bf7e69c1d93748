// Process-wide runtime settings every experiment makes before training: the number of
// intra-op threads (OpenMP here starts with one thread although more cores exist), the
// seed of every random generator, and the compute device.
//
//   gan::SetThreadCount(0);            // 0 = all hardware cores
//   gan::SeedEverything(1234);
//   ASSIGN_OR_RETURN(torch::Device device, gan::ParseDevice("cpu"));
#ifndef GAN_CORE_RUNTIME_H_
#define GAN_CORE_RUNTIME_H_

#include <cstdint>
#include <string>

#include <torch/types.h>

#include "absl/status/statusor.h"

namespace gan {

// Sets LibTorch's intra-op thread count; `threads <= 0` means the number of hardware
// cores. Returns the count in effect.
int SetThreadCount(int threads);

// Seeds LibTorch's CPU (and, when present, CUDA) generators.
void SeedEverything(uint64_t seed);

// "cpu", "cuda" or "cuda:N". Asking for CUDA where LibTorch has no CUDA device is an
// error that says so.
absl::StatusOr<torch::Device> ParseDevice(const std::string& name);

// The first CUDA device, or the CPU where LibTorch has none: for the GPU tests and
// benchmark, which also run (comparing the CPU with itself) without a GPU.
torch::Device FirstGpuOrCpu();

}  // namespace gan

#endif  // GAN_CORE_RUNTIME_H_
