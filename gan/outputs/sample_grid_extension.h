// Writes a PNG grid of generator samples for a fixed latent batch (drawn once from its
// own seeded generator) as <dir>/iter_<iteration>.png. What G draws while sampling
// (StyleGAN's noise inputs) comes from the global generators seeded with the same seed
// for every grid, and their state is restored afterwards: sampling never disturbs
// training's random stream (a run resumed from a checkpoint written next to a grid
// continues as the uninterrupted run).
//
// `batch_statistics` = true samples with BatchNorm in training mode, as PyTorch scripts
// that never call eval() save their grids, then restores the running statistics; false uses eval mode.
#ifndef GAN_OUTPUTS_SAMPLE_GRID_EXTENSION_H_
#define GAN_OUTPUTS_SAMPLE_GRID_EXTENSION_H_

#include <cstdint>
#include <string>

#include "gan/networks/gan_modules.h"
#include "gan/train/extension.h"

namespace gan {

struct SampleGridOptions {
  int64_t count = 64;
  int64_t columns = 8;
  uint64_t seed = 0;
  bool batch_statistics = true;
  // Conditional generators: labels of the grid (count of them); undefined otherwise.
  torch::Tensor labels;
};

class SampleGridExtension : public Extension {
 public:
  SampleGridExtension(Generator generator, std::string dir, SampleGridOptions options,
                      torch::Device device);
  std::string name() const override { return "sample_grid"; }
  absl::Status Run(TrainingState& state) override;

  // The images of the grid, [count, C, H, W] in [-1, 1] on the CPU.
  torch::Tensor Sample();

 private:
  Generator generator_;
  std::string dir_;
  SampleGridOptions options_;
  torch::Tensor latent_;
  torch::Tensor labels_;
};

}  // namespace gan

#endif  // GAN_OUTPUTS_SAMPLE_GRID_EXTENSION_H_
