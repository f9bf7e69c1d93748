#include "gan/losses/bce.h"

namespace gan {

torch::Tensor BceDiscriminatorLoss(const torch::Tensor& real_logits,
                                   const torch::Tensor& fake_logits) {
  return torch::softplus(-real_logits).mean() + torch::softplus(fake_logits).mean();
}

torch::Tensor SmoothedBceDiscriminatorLoss(const torch::Tensor& real_logits,
                                           const torch::Tensor& fake_logits,
                                           double real_target, double fake_target) {
  // BCE(x, t) = t softplus(-x) + (1 - t) softplus(x).
  auto bce = [](const torch::Tensor& x, double t) {
    return (t * torch::softplus(-x) + (1 - t) * torch::softplus(x)).mean();
  };
  return bce(real_logits, real_target) + bce(fake_logits, fake_target);
}

torch::Tensor BceGeneratorLoss(const torch::Tensor& fake_logits) {
  return torch::softplus(-fake_logits).mean();
}

torch::Tensor MinimaxGeneratorLoss(const torch::Tensor& fake_logits) {
  return -torch::softplus(fake_logits).mean();
}

}  // namespace gan
