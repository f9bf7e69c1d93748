// The original GAN losses on logits x = D(.) (binary cross-entropy, numerically stable
// through softplus):
//   D:              E[softplus(-x_real)] + E[softplus(x_fake)]   (targets 1 and 0)
//   G (non-sat.):   E[softplus(-x_fake)]    = -E[log sigmoid(x_fake)]
//   G (minimax):   -E[softplus(x_fake)]     =  E[log(1 - sigmoid(x_fake))]
// The gradient w.r.t. a logit is sigmoid(x) - target, never exactly zero, so D
// keeps separating real and fake for as long as it trains.
#ifndef GAN_LOSSES_BCE_H_
#define GAN_LOSSES_BCE_H_

#include <torch/types.h>

namespace gan {

torch::Tensor BceDiscriminatorLoss(const torch::Tensor& real_logits,
                                   const torch::Tensor& fake_logits);

// Label smoothing (Salimans et al.): BCE against soft targets. One-sided smoothing is
// real_target = alpha (e.g. 0.9) with fake_target = 0; two-sided also raises the fake
// target. The generator's loss keeps target 1.
torch::Tensor SmoothedBceDiscriminatorLoss(const torch::Tensor& real_logits,
                                           const torch::Tensor& fake_logits,
                                           double real_target, double fake_target);
torch::Tensor BceGeneratorLoss(const torch::Tensor& fake_logits);
torch::Tensor MinimaxGeneratorLoss(const torch::Tensor& fake_logits);

}  // namespace gan

#endif  // GAN_LOSSES_BCE_H_
