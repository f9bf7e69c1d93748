#include "gan/core/runtime.h"

#include <thread>

#include <torch/cuda.h>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"

namespace gan {

int SetThreadCount(int threads) {
  if (threads <= 0) {
    threads = static_cast<int>(std::thread::hardware_concurrency());
    if (threads <= 0) threads = 1;
  }
  torch::set_num_threads(threads);
  return torch::get_num_threads();
}

void SeedEverything(uint64_t seed) {
  torch::manual_seed(seed);
  if (torch::cuda::is_available()) torch::cuda::manual_seed_all(seed);
}

absl::StatusOr<torch::Device> ParseDevice(const std::string& name) {
  if (name == "cpu") return torch::Device(torch::kCPU);
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "device '", name,
          "' requested but this LibTorch has no CUDA device; build with --config=cuda "
          "against a CUDA LibTorch, or use --device=cpu"));
    }
    try {
      return torch::Device(name);
    } catch (const c10::Error&) {
      // Falls through to the error below.
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("device '", name, "' is not one of cpu, cuda, cuda:N"));
}

torch::Device FirstGpuOrCpu() {
  return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
}

}  // namespace gan
