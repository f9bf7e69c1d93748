#include "gan/train/frozen_blocks.h"

#include "absl/strings/str_cat.h"
#include "gan/train/optimization.h"

namespace gan {

absl::Status CheckFrozenBlocks(DiscriminatorModule& discriminator, int blocks) {
  const size_t available = discriminator.block_parameters().size();
  if (blocks < 0 || static_cast<size_t>(blocks) > available) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config key 'update.freeze_d_blocks' (", blocks, "): the discriminator has ", available,
        " blocks",
        available == 0 ? " that FreezeD can count (it does not divide D into them)" : ""));
  }
  return absl::OkStatus();
}

FrozenBlocks::FrozenBlocks(DiscriminatorModule& discriminator, int blocks)
    : discriminator_(discriminator) {
  if (blocks == 0) return;
  const std::vector<std::vector<torch::Tensor>> parameters = discriminator.block_parameters();
  for (int b = 0; b < blocks; ++b) {
    frozen_.insert(frozen_.end(), parameters[b].begin(), parameters[b].end());
  }
  SetTrainable(true);
}

void FrozenBlocks::SetTrainable(bool trainable) {
  SetRequiresGrad(discriminator_, trainable);
  for (torch::Tensor& p : frozen_) p.requires_grad_(false);
}

void FrozenBlocks::ClipTrained(double c) {
  torch::NoGradGuard no_grad;
  for (torch::Tensor& p : discriminator_.parameters()) {
    if (frozen_.empty() || p.requires_grad()) p.clamp_(-c, c);
  }
}

}  // namespace gan
