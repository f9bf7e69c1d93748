#include "gan/nn/orthogonal.h"

#include <memory>
#include <unordered_set>

#include <torch/nn/init.h>
#include <torch/nn/modules/embedding.h>

namespace gan {
namespace {

bool IsEmbedding(const torch::nn::Module& module) {
  return module.as<torch::nn::EmbeddingImpl>() != nullptr ||
         module.as<torch::nn::EmbeddingBagImpl>() != nullptr;
}

}  // namespace

std::vector<torch::Tensor> OrthogonalWeights(const torch::nn::Module& module) {
  // modules(include_self = false) avoids shared_from_this, so a module that is not held
  // by a shared_ptr works too; the root is visited first by hand.
  std::vector<const torch::nn::Module*> tree = {&module};
  for (const auto& child : module.modules(/*include_self=*/false)) tree.push_back(child.get());
  std::vector<torch::Tensor> weights;
  std::unordered_set<const void*> seen;
  for (const torch::nn::Module* m : tree) {
    if (IsEmbedding(*m)) continue;
    for (const auto& item : m->named_parameters(/*recurse=*/false)) {
      const torch::Tensor& p = item.value();
      if (item.key() != "weight" || p.dim() < 2) continue;
      if (!seen.insert(p.unsafeGetTensorImpl()).second) continue;
      weights.push_back(p);
    }
  }
  return weights;
}

void OrthogonalInit(torch::nn::Module& module, double gain) {
  for (torch::Tensor& w : OrthogonalWeights(module)) torch::nn::init::orthogonal_(w, gain);
}

torch::Tensor OrthogonalRegularization(const torch::nn::Module& module, double beta) {
  torch::Tensor total;
  for (const torch::Tensor& weight : OrthogonalWeights(module)) {
    const torch::Tensor w = weight.reshape({weight.size(0), -1});
    const torch::Tensor gram = w.matmul(w.t());
    const torch::Tensor off_diagonal = gram * (1 - torch::eye(w.size(0), gram.options()));
    const torch::Tensor term = off_diagonal.pow(2).sum();
    total = total.defined() ? total + term : term;
  }
  if (!total.defined()) return torch::zeros({});
  return beta * total;
}

}  // namespace gan
