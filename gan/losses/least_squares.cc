#include "gan/losses/least_squares.h"

namespace gan {

torch::Tensor LeastSquaresDiscriminatorLoss(const torch::Tensor& real_logits,
                                            const torch::Tensor& fake_logits,
                                            const LeastSquaresTargets& targets) {
  return 0.5 * (real_logits - targets.real).pow(2).mean() +
         0.5 * (fake_logits - targets.fake).pow(2).mean();
}

torch::Tensor LeastSquaresGeneratorLoss(const torch::Tensor& fake_logits,
                                        const LeastSquaresTargets& targets) {
  return 0.5 * (fake_logits - targets.generator).pow(2).mean();
}

}  // namespace gan
