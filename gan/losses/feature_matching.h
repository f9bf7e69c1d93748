// Feature matching (Salimans et al. 2016): G matches the statistics of D's intermediate
// features on real data instead of maximizing D's output:
//   L_G = || E[f(x_real)] - E[f(G(z))] ||_2^2
// with f the discriminator's features (DiscriminatorModule::features), batch means.
#ifndef GAN_LOSSES_FEATURE_MATCHING_H_
#define GAN_LOSSES_FEATURE_MATCHING_H_

#include <torch/types.h>

namespace gan {

// real_features, fake_features: [N, ...]; the real side is treated as a constant.
torch::Tensor FeatureMatchingLoss(const torch::Tensor& real_features,
                                  const torch::Tensor& fake_features);

// The form of the released Improved-GAN code and PyTorch-StudioGAN, which produced their
// published numbers: the mean over features of |E[f(x_real)] - E[f(G(z))]|.
torch::Tensor MeanAbsoluteFeatureMatchingLoss(const torch::Tensor& real_features,
                                              const torch::Tensor& fake_features);

}  // namespace gan

#endif  // GAN_LOSSES_FEATURE_MATCHING_H_
