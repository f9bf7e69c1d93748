#include "gan/losses/gradient_penalty.h"

#include <torch/autograd.h>
#include <torch/utils.h>

namespace gan {
namespace {

// Uniform [0, 1) per sample, broadcastable over the image dimensions.
torch::Tensor PerSampleUniform(const torch::Tensor& like) {
  std::vector<int64_t> shape(like.dim(), 1);
  shape[0] = like.size(0);
  return torch::rand(shape, like.options());
}

}  // namespace

torch::Tensor CriticGradientNorms(const Critic& critic, const torch::Tensor& points) {
  const torch::Tensor x = points.detach().requires_grad_(true);
  const torch::Tensor out = critic(x);
  const torch::Tensor gradient = torch::autograd::grad({out.sum()}, {x},
                                                       /*grad_outputs=*/{},
                                                       /*retain_graph=*/true,
                                                       /*create_graph=*/true)[0];
  return gradient.flatten(1).norm(2, /*dim=*/1);
}

torch::Tensor WganGpPenalty(const Critic& critic, const torch::Tensor& real,
                            const torch::Tensor& fake, double lambda) {
  const torch::Tensor eps = PerSampleUniform(real);
  const torch::Tensor points = eps * real.detach() + (1 - eps) * fake.detach();
  return lambda * (CriticGradientNorms(critic, points) - 1).pow(2).mean();
}

torch::Tensor DraganPenalty(const Critic& critic, const torch::Tensor& real, double lambda,
                            double perturbation) {
  const torch::Tensor x = real.detach();
  const torch::Tensor perturbed = x + perturbation * x.std() * torch::rand_like(x);
  const torch::Tensor alpha = PerSampleUniform(x);
  const torch::Tensor points = alpha * x + (1 - alpha) * perturbed;
  return lambda * (CriticGradientNorms(critic, points) - 1).pow(2).mean();
}

torch::Tensor R1Penalty(const Critic& critic, const torch::Tensor& real, double gamma) {
  return 0.5 * gamma * CriticGradientNorms(critic, real).pow(2).mean();
}

void ClipWeights(torch::nn::Module& module, double c) {
  torch::NoGradGuard no_grad;
  for (auto& parameter : module.parameters()) parameter.clamp_(-c, c);
}

}  // namespace gan
