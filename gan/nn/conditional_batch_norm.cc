#include "gan/nn/conditional_batch_norm.h"

#include <utility>

#include <torch/nn/init.h>

#include "gan/nn/spectral_norm.h"

namespace gan {
namespace {

BatchNorm MakeBatchNorm(int64_t num_features, double momentum, double eps) {
  return BatchNorm(
      torch::nn::BatchNormOptions(num_features).affine(false).momentum(momentum).eps(eps));
}

torch::Tensor PerChannel(const torch::Tensor& t) { return t.view({t.size(0), t.size(1), 1, 1}); }

void CheckInput(const torch::Tensor& x, int64_t num_features, const char* name) {
  TORCH_CHECK(x.dim() == 4 && x.size(1) == num_features, name, " expects [N, ", num_features,
              ", H, W], got ", x.sizes());
}

}  // namespace

ClassConditionalBatchNorm2dImpl::ClassConditionalBatchNorm2dImpl(
    ClassConditionalBatchNorm2dOptions options)
    : options(std::move(options)) {
  reset();
}

void ClassConditionalBatchNorm2dImpl::reset() {
  bn = register_module("bn", MakeBatchNorm(options.num_features(), options.momentum(),
                                           options.eps()));
  const auto table = torch::nn::EmbeddingOptions(options.num_classes(), options.num_features());
  gain = register_module("gain", torch::nn::Embedding(table));
  bias = register_module("bias", torch::nn::Embedding(table));
  torch::nn::init::ones_(gain->weight);
  torch::nn::init::zeros_(bias->weight);
}

torch::Tensor ClassConditionalBatchNorm2dImpl::forward(const torch::Tensor& x,
                                                        const torch::Tensor& labels) {
  CheckInput(x, options.num_features(), "ClassConditionalBatchNorm2d");
  TORCH_CHECK(labels.dim() == 1 && labels.size(0) == x.size(0),
              "ClassConditionalBatchNorm2d expects labels [", x.size(0), "], got ",
              labels.sizes());
  return PerChannel(gain(labels)) * bn(x) + PerChannel(bias(labels));
}

LinearConditionalBatchNorm2dImpl::LinearConditionalBatchNorm2dImpl(
    LinearConditionalBatchNorm2dOptions options)
    : options(std::move(options)) {
  reset();
}

void LinearConditionalBatchNorm2dImpl::reset() {
  bn = register_module("bn", MakeBatchNorm(options.num_features(), options.momentum(),
                                           options.eps()));
  const auto linear =
      torch::nn::LinearOptions(options.condition_dim(), options.num_features()).bias(false);
  if (options.spectral_norm()) {
    gain = torch::nn::AnyModule(SNLinear(linear));
    bias = torch::nn::AnyModule(SNLinear(linear));
  } else {
    gain = torch::nn::AnyModule(torch::nn::Linear(linear));
    bias = torch::nn::AnyModule(torch::nn::Linear(linear));
  }
  register_module("gain", gain.ptr());
  register_module("bias", bias.ptr());
}

torch::Tensor LinearConditionalBatchNorm2dImpl::forward(const torch::Tensor& x,
                                                         const torch::Tensor& condition) {
  CheckInput(x, options.num_features(), "LinearConditionalBatchNorm2d");
  TORCH_CHECK(condition.dim() == 2 && condition.size(0) == x.size(0) &&
                  condition.size(1) == options.condition_dim(),
              "LinearConditionalBatchNorm2d expects condition [", x.size(0), ", ",
              options.condition_dim(), "], got ", condition.sizes());
  const torch::Tensor g = 1 + gain.forward(condition);
  const torch::Tensor b = bias.forward(condition);
  return PerChannel(g) * bn(x) + PerChannel(b);
}

}  // namespace gan
