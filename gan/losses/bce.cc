#include "gan/losses/bce.h"

namespace gan {

torch::Tensor BceDiscriminatorLoss(const torch::Tensor& real_logits,
                                   const torch::Tensor& fake_logits) {
  return torch::softplus(-real_logits).mean() + torch::softplus(fake_logits).mean();
}

torch::Tensor BceGeneratorLoss(const torch::Tensor& fake_logits) {
  return torch::softplus(-fake_logits).mean();
}

torch::Tensor MinimaxGeneratorLoss(const torch::Tensor& fake_logits) {
  return -torch::softplus(fake_logits).mean();
}

}  // namespace gan
