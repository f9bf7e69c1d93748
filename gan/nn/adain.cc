#include "gan/nn/adain.h"

#include <vector>

#include <torch/utils.h>

namespace gan {

AdaptiveInstanceNormImpl::AdaptiveInstanceNormImpl(AdaptiveInstanceNormOptions options_)
    : options(std::move(options_)) {
  reset();
}

void AdaptiveInstanceNormImpl::reset() {
  const int64_t c = options.channels();
  TORCH_CHECK(c > 0 && options.style_dim() > 0,
              "AdaptiveInstanceNorm: channels and style_dim must be positive, got ", c, " and ",
              options.style_dim());
  style = register_module(
      "style", EqualizedLinear(EqualizedLinearOptions(options.style_dim(), 2 * c).gain(1.0)));
  // The stored bias is the effective bias / lr_multiplier.
  torch::NoGradGuard no_grad;
  const double lr = style->options.lr_multiplier();
  style->bias.copy_(torch::cat({torch::ones({c}), torch::zeros({c})}) / lr);
}

std::pair<torch::Tensor, torch::Tensor> AdaptiveInstanceNormImpl::Style(const torch::Tensor& w) {
  TORCH_CHECK(w.dim() == 2 && w.size(1) == options.style_dim(),
              "AdaptiveInstanceNorm expects w [N, ", options.style_dim(), "], got ", w.sizes());
  std::vector<torch::Tensor> halves = style(w).chunk(2, /*dim=*/1);
  return {halves[0], halves[1]};
}

torch::Tensor AdaptiveInstanceNormImpl::forward(const torch::Tensor& x, const torch::Tensor& w) {
  TORCH_CHECK(x.dim() == 4 && x.size(1) == options.channels(),
              "AdaptiveInstanceNorm expects x [N, ", options.channels(), ", H, W], got ", x.sizes());
  TORCH_CHECK(w.dim() == 2 && w.size(0) == x.size(0),
              "AdaptiveInstanceNorm expects w with one row per sample of x (", x.size(0),
              "), got ", w.sizes());
  const torch::Tensor centered = x - x.mean({2, 3}, /*keepdim=*/true);
  const torch::Tensor normalized =
      centered * torch::rsqrt(centered.square().mean({2, 3}, /*keepdim=*/true) + options.eps());
  const auto [scale, bias] = Style(w);
  const int64_t n = x.size(0), c = x.size(1);
  return scale.view({n, c, 1, 1}) * normalized + bias.view({n, c, 1, 1});
}

}  // namespace gan
