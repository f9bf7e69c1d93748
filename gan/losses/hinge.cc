#include "gan/losses/hinge.h"

namespace gan {

torch::Tensor HingeDiscriminatorLoss(const torch::Tensor& real_logits,
                                     const torch::Tensor& fake_logits) {
  return torch::relu(1.0 - real_logits).mean() + torch::relu(1.0 + fake_logits).mean();
}

torch::Tensor HingeGeneratorLoss(const torch::Tensor& fake_logits) {
  return -fake_logits.mean();
}

}  // namespace gan
