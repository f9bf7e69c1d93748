#include "gan/core/random_state.h"

#include <mutex>

#include <ATen/Context.h>

namespace gan {
namespace {

at::Generator DefaultGenerator(const torch::Device& device) {
  return at::globalContext().defaultGenerator(device);
}

}  // namespace

torch::Tensor RandomState(const torch::Device& device) {
  at::Generator generator = DefaultGenerator(device);
  std::lock_guard<std::mutex> lock(generator.mutex());
  return generator.get_state();
}

void SetRandomState(const torch::Device& device, const torch::Tensor& state) {
  at::Generator generator = DefaultGenerator(device);
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(state);
}

RandomStateGuard::RandomStateGuard(const torch::Device& device) {
  saved_.emplace_back(torch::Device(torch::kCPU), RandomState(torch::kCPU));
  if (!device.is_cpu()) saved_.emplace_back(device, RandomState(device));
}

RandomStateGuard::~RandomStateGuard() {
  for (const auto& [device, state] : saved_) SetRandomState(device, state);
}

}  // namespace gan
