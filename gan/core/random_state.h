// The default random-number generators' state (LibTorch's global generators: the CPU's,
// and a CUDA device's), read, set, and set aside while something out of band draws numbers
// (sample grids, evaluation during training), so that training draws the same numbers
// with or without it, and a resumed run the numbers an uninterrupted one draws.
//
//   {
//     gan::RandomStateGuard guard(device);
//     torch::manual_seed(grid_seed);
//     ... sample ...
//   }  // the training's generators are as they were
#ifndef GAN_CORE_RANDOM_STATE_H_
#define GAN_CORE_RANDOM_STATE_H_

#include <utility>
#include <vector>

#include <ATen/core/Generator.h>
#include <torch/types.h>

namespace gan {

// The state of the default generator of `device` (the CPU's for the CPU).
torch::Tensor RandomState(const torch::Device& device);
void SetRandomState(const torch::Device& device, const torch::Tensor& state);

class RandomStateGuard {
 public:
  // Sets aside the CPU generator's state and, for another device, that device's too.
  explicit RandomStateGuard(const torch::Device& device = torch::kCPU);
  ~RandomStateGuard();
  RandomStateGuard(const RandomStateGuard&) = delete;
  RandomStateGuard& operator=(const RandomStateGuard&) = delete;

 private:
  std::vector<std::pair<torch::Device, torch::Tensor>> saved_;
};

}  // namespace gan

#endif  // GAN_CORE_RANDOM_STATE_H_
