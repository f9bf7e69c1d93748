#include "gan/nn/maybe_spectral_norm.h"

#include <torch/nn/init.h>
#include <torch/utils.h>

#include "gan/nn/spectral_norm.h"

namespace gan {

torch::nn::AnyModule MakeConv2d(const torch::nn::Conv2dOptions& options, bool spectral_norm) {
  if (spectral_norm) return torch::nn::AnyModule(SNConv2d(options));
  return torch::nn::AnyModule(torch::nn::Conv2d(options));
}

torch::nn::AnyModule MakeLinear(const torch::nn::LinearOptions& options, bool spectral_norm) {
  if (spectral_norm) return torch::nn::AnyModule(SNLinear(options));
  return torch::nn::AnyModule(torch::nn::Linear(options));
}

namespace {

void XavierInitLayer(torch::nn::Module& layer, double gain) {
  torch::Tensor weight, bias;
  if (auto* conv = layer.as<torch::nn::Conv2d>()) {
    weight = conv->weight, bias = conv->bias;
  } else if (auto* linear = layer.as<torch::nn::Linear>()) {
    weight = linear->weight, bias = linear->bias;
  } else if (auto* sn_conv = layer.as<SNConv2d>()) {
    weight = sn_conv->weight, bias = sn_conv->bias;
  } else if (auto* sn_linear = layer.as<SNLinear>()) {
    weight = sn_linear->weight, bias = sn_linear->bias;
  } else {
    return;
  }
  torch::nn::init::xavier_uniform_(weight, gain);
  if (bias.defined()) bias.zero_();
}

}  // namespace

void XavierInitLayers(torch::nn::Module& module, double gain) {
  torch::NoGradGuard no_grad;
  // modules(include_self=true) needs a shared_ptr, which constructors do not have yet.
  XavierInitLayer(module, gain);
  for (const auto& layer : module.modules(/*include_self=*/false)) XavierInitLayer(*layer, gain);
}

}  // namespace gan
