// What every updater shares: the optimizer choice (Adam or RMSprop, per network, so G and
// D can run on two time scales), freezing a network for the other's step, dropping
// gradients, and checkpointing a (G, D, G's optimizer, D's optimizer) set.
#ifndef GAN_TRAIN_OPTIMIZATION_H_
#define GAN_TRAIN_OPTIMIZATION_H_

#include <memory>
#include <string>

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>
#include <torch/serialize/archive.h>
#include <torch/types.h>

namespace gan {

struct OptimizerOptions {
  enum class Kind { kAdam, kRmsprop, kSgd };
  Kind kind = Kind::kAdam;
  double lr = 2e-4;
  double beta1 = 0.5;    // Adam's beta1; SGD's momentum
  double beta2 = 0.999;  // Adam's beta2; RMSprop's smoothing constant alpha
};

// "adam", "rmsprop" or "sgd"; false for anything else.
bool ParseOptimizerKind(const std::string& name, OptimizerOptions::Kind* kind);

std::unique_ptr<torch::optim::Optimizer> MakeOptimizer(torch::nn::Module& module,
                                                       const OptimizerOptions& options);

// Sets requires_grad on every parameter of `module`.
void SetRequiresGrad(torch::nn::Module& module, bool requires_grad);
// Drops gradients (cheaper than zeroing them, and leaves no stale values).
void ClearGradients(torch::nn::Module& module);

// True when `loss` and every gradient of `module` are finite (one host sync).
bool LossAndGradientsFinite(const torch::Tensor& loss, const torch::nn::Module& module);

// Writes/reads "generator", "discriminator", "optimizer_g", "optimizer_d".
void SaveGanPair(torch::serialize::OutputArchive& archive, const torch::nn::Module& generator,
                 const torch::nn::Module& discriminator, const torch::optim::Optimizer& optimizer_g,
                 const torch::optim::Optimizer& optimizer_d);
void LoadGanPair(torch::serialize::InputArchive& archive, torch::nn::Module& generator,
                 torch::nn::Module& discriminator, torch::optim::Optimizer& optimizer_g,
                 torch::optim::Optimizer& optimizer_d, const torch::Device& device);

}  // namespace gan

#endif  // GAN_TRAIN_OPTIMIZATION_H_
