// Gradient penalties on the discriminator (critic), each a term added to D's loss:
//   WGAN-GP (Gulrajani et al.): lambda * E[(||grad D(x_hat)||_2 - 1)^2] on
//       x_hat = eps * x_real + (1 - eps) * x_fake, eps ~ U[0, 1] per sample.
//   DRAGAN (Kodali et al.): the same form on points near the data:
//       x_p = x_real + c * std(x_real) * u, u ~ U[0, 1];  x_hat = a x_real + (1 - a) x_p.
//   R1 (Mescheder et al.): gamma / 2 * E[||grad D(x_real)||_2^2].
// The gradient is taken with create_graph so the penalty itself is differentiable.
//
//   auto critic = [&](const torch::Tensor& x) { return d->forward(x, labels); };
//   torch::Tensor loss_d = adversarial + gan::WganGpPenalty(critic, real, fake, 10.0);
#ifndef GAN_LOSSES_GRADIENT_PENALTY_H_
#define GAN_LOSSES_GRADIENT_PENALTY_H_

#include <functional>

#include <torch/nn/module.h>
#include <torch/types.h>

namespace gan {

using Critic = std::function<torch::Tensor(const torch::Tensor& images)>;

// Per-sample L2 norms of d critic(x) / d x, [N], differentiable.
torch::Tensor CriticGradientNorms(const Critic& critic, const torch::Tensor& points);

torch::Tensor WganGpPenalty(const Critic& critic, const torch::Tensor& real,
                            const torch::Tensor& fake, double lambda = 10.0);
torch::Tensor DraganPenalty(const Critic& critic, const torch::Tensor& real,
                            double lambda = 10.0, double perturbation = 0.5);
torch::Tensor R1Penalty(const Critic& critic, const torch::Tensor& real, double gamma = 10.0);

// WGAN's Lipschitz constraint by clipping: every parameter of `module` into [-c, c].
void ClipWeights(torch::nn::Module& module, double c);

}  // namespace gan

#endif  // GAN_LOSSES_GRADIENT_PENALTY_H_
