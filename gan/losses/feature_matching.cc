#include "gan/losses/feature_matching.h"

namespace gan {

torch::Tensor FeatureMatchingLoss(const torch::Tensor& real_features,
                                  const torch::Tensor& fake_features) {
  const torch::Tensor real_mean = real_features.detach().flatten(1).mean(0);
  const torch::Tensor fake_mean = fake_features.flatten(1).mean(0);
  return (real_mean - fake_mean).pow(2).sum();
}

torch::Tensor MeanAbsoluteFeatureMatchingLoss(const torch::Tensor& real_features,
                                              const torch::Tensor& fake_features) {
  const torch::Tensor real_mean = real_features.detach().flatten(1).mean(0);
  const torch::Tensor fake_mean = fake_features.flatten(1).mean(0);
  return (real_mean - fake_mean).abs().mean();
}

}  // namespace gan
