#include "gan/train/optimization.h"

#include <torch/optim/adam.h>
#include <torch/optim/rmsprop.h>
#include <torch/optim/sgd.h>
#include <torch/utils.h>

#include "gan/core/strict_load.h"

namespace gan {

bool ParseOptimizerKind(const std::string& name, OptimizerOptions::Kind* kind) {
  if (name == "adam") {
    *kind = OptimizerOptions::Kind::kAdam;
  } else if (name == "rmsprop") {
    *kind = OptimizerOptions::Kind::kRmsprop;
  } else if (name == "sgd") {
    *kind = OptimizerOptions::Kind::kSgd;
  } else {
    return false;
  }
  return true;
}

std::unique_ptr<torch::optim::Optimizer> MakeOptimizer(torch::nn::Module& module,
                                                       const OptimizerOptions& options) {
  if (options.kind == OptimizerOptions::Kind::kRmsprop) {
    return std::make_unique<torch::optim::RMSprop>(
        module.parameters(), torch::optim::RMSpropOptions(options.lr).alpha(options.beta2));
  }
  if (options.kind == OptimizerOptions::Kind::kSgd) {
    return std::make_unique<torch::optim::SGD>(
        module.parameters(), torch::optim::SGDOptions(options.lr).momentum(options.beta1));
  }
  return std::make_unique<torch::optim::Adam>(
      module.parameters(),
      torch::optim::AdamOptions(options.lr).betas(std::make_tuple(options.beta1, options.beta2)));
}

void SetRequiresGrad(torch::nn::Module& module, bool requires_grad) {
  for (auto& parameter : module.parameters()) parameter.requires_grad_(requires_grad);
}

void ClearGradients(torch::nn::Module& module) {
  for (auto& parameter : module.parameters()) parameter.mutable_grad().reset();
}

bool LossAndGradientsFinite(const torch::Tensor& loss, const torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  torch::Tensor finite = torch::isfinite(loss).all();
  for (const auto& parameter : module.parameters()) {
    if (parameter.grad().defined()) finite = finite.logical_and(torch::isfinite(parameter.grad()).all());
  }
  return finite.item<bool>();
}

void SaveGanPair(torch::serialize::OutputArchive& archive, const torch::nn::Module& generator,
                 const torch::nn::Module& discriminator, const torch::optim::Optimizer& optimizer_g,
                 const torch::optim::Optimizer& optimizer_d) {
  torch::serialize::OutputArchive g, d, opt_g, opt_d;
  generator.save(g);
  discriminator.save(d);
  optimizer_g.save(opt_g);
  optimizer_d.save(opt_d);
  archive.write("generator", g);
  archive.write("discriminator", d);
  archive.write("optimizer_g", opt_g);
  archive.write("optimizer_d", opt_d);
}

void LoadGanPair(torch::serialize::InputArchive& archive, torch::nn::Module& generator,
                 torch::nn::Module& discriminator, torch::optim::Optimizer& optimizer_g,
                 torch::optim::Optimizer& optimizer_d, const torch::Device& device) {
  torch::serialize::InputArchive g, d, opt_g, opt_d;
  archive.read("generator", g);
  archive.read("discriminator", d);
  archive.read("optimizer_g", opt_g);
  archive.read("optimizer_d", opt_d);
  LoadModuleStrictly(generator, g, "generator");
  LoadModuleStrictly(discriminator, d, "discriminator");
  LoadOptimizerStrictly(optimizer_g, opt_g, "generator optimizer");
  LoadOptimizerStrictly(optimizer_d, opt_d, "discriminator optimizer");
  generator.to(device);
  discriminator.to(device);
}

}  // namespace gan
