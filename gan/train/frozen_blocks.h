// FreezeD (Mo et al. 2020): a discriminator's first N blocks (DiscriminatorModule::
// block_parameters) keep the weights they started with (a run started from another
// run's, --init_from): their parameters never require gradients, so no step changes them,
// and WGAN's clipping leaves them as they are. Their BatchNorm running statistics still
// follow the batches. N = 0 is plain training.
#ifndef GAN_TRAIN_FROZEN_BLOCKS_H_
#define GAN_TRAIN_FROZEN_BLOCKS_H_

#include <vector>

#include "absl/status/status.h"
#include "gan/networks/gan_modules.h"

namespace gan {

// Whether `discriminator` has `blocks` blocks to freeze; the error names the config key.
absl::Status CheckFrozenBlocks(DiscriminatorModule& discriminator, int blocks);

class FrozenBlocks {
 public:
  // `discriminator` must outlive this object and have `blocks` blocks (CheckFrozenBlocks).
  FrozenBlocks(DiscriminatorModule& discriminator, int blocks);

  // D's parameters require gradients (D's step) or not (G's); the frozen ones never.
  void SetTrainable(bool trainable);
  // Clamps D's trained parameters to [-c, c] (WGAN's weight clipping).
  void ClipTrained(double c);

 private:
  DiscriminatorModule& discriminator_;
  std::vector<torch::Tensor> frozen_;
};

}  // namespace gan

#endif  // GAN_TRAIN_FROZEN_BLOCKS_H_
