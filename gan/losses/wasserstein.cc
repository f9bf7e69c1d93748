#include "gan/losses/wasserstein.h"

namespace gan {

torch::Tensor WassersteinDiscriminatorLoss(const torch::Tensor& real_logits,
                                           const torch::Tensor& fake_logits) {
  return fake_logits.mean() - real_logits.mean();
}

torch::Tensor WassersteinGeneratorLoss(const torch::Tensor& fake_logits) {
  return -fake_logits.mean();
}

}  // namespace gan
