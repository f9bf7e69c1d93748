// Wasserstein GAN critic and generator losses (Arjovsky et al.); the critic must be kept
// Lipschitz by clipping or a gradient penalty, which live elsewhere:
//   D: E[x_fake] - E[x_real]
//   G: -E[x_fake]
#ifndef GAN_LOSSES_WASSERSTEIN_H_
#define GAN_LOSSES_WASSERSTEIN_H_

#include <torch/types.h>

namespace gan {

torch::Tensor WassersteinDiscriminatorLoss(const torch::Tensor& real_logits,
                                           const torch::Tensor& fake_logits);
torch::Tensor WassersteinGeneratorLoss(const torch::Tensor& fake_logits);

}  // namespace gan

#endif  // GAN_LOSSES_WASSERSTEIN_H_
