#include "gan/nn/spectral_norm.h"

#include <cmath>
#include <utility>

#include <torch/enum.h>
#include <torch/nn/functional/conv.h>
#include <torch/nn/functional/linear.h>
#include <torch/nn/functional/normalization.h>
#include <torch/nn/init.h>
#include <torch/nn/module.h>
#include <torch/utils.h>

#include "gan/core/torch_compat.h"

namespace gan {
namespace {

namespace F = torch::nn::functional;

torch::Tensor Normalize(const torch::Tensor& x, double eps) {
  return F::normalize(x, F::NormalizeFuncOptions().dim(0).eps(eps));
}

// Registers the raw weight, optional bias and the u, v buffers the way torch's Conv2d and
// Linear initialize them (kaiming_uniform with a = sqrt(5), bias ~ U(-1/sqrt(fan_in), ..)).
// u, v start as normalized N(0, 1) vectors on the weight's device, as in torch.
void RegisterWeights(torch::nn::Module& module, torch::IntArrayRef weight_shape, bool with_bias,
                     double eps, torch::Tensor& weight, torch::Tensor& bias, torch::Tensor& u,
                     torch::Tensor& v) {
  weight = module.register_parameter("weight", torch::empty(weight_shape));
  torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (with_bias) {
    const int64_t fan_in = weight.numel() / weight.size(0);
    const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
    bias = module.register_parameter("bias", torch::empty({weight.size(0)}));
    torch::nn::init::uniform_(bias, -bound, bound);
  } else {
    bias = torch::Tensor();
  }
  const int64_t rows = weight.size(0);
  const int64_t cols = weight.numel() / rows;
  u = module.register_buffer("u", Normalize(torch::randn({rows}, weight.options()), eps));
  v = module.register_buffer("v", Normalize(torch::randn({cols}, weight.options()), eps));
}

}  // namespace

torch::Tensor SpectralNormalize(const torch::Tensor& weight, const torch::Tensor& u,
                                const torch::Tensor& v, bool update,
                                const SpectralNormOptions& options) {
  const torch::Tensor w = weight.reshape({weight.size(0), -1});
  TORCH_CHECK(u.dim() == 1 && u.size(0) == w.size(0) && v.dim() == 1 && v.size(0) == w.size(1),
              "SpectralNormalize: u ", u.sizes(), " and v ", v.sizes(),
              " do not fit the weight viewed as ", w.sizes());
  torch::Tensor u_now = u;
  torch::Tensor v_now = v;
  if (update && options.power_iterations() > 0) {
    {
      torch::NoGradGuard no_grad;
      const torch::Tensor w_const = w.detach();
      for (int64_t i = 0; i < options.power_iterations(); ++i) {
        v.copy_(Normalize(torch::mv(w_const.t(), u), options.eps()));
        u.copy_(Normalize(torch::mv(w_const, v), options.eps()));
      }
    }
    // The graph keeps u and v for backward; clones let the next in-place update happen
    // before this backward runs (torch does the same).
    u_now = u.clone();
    v_now = v.clone();
  }
  const torch::Tensor sigma = torch::dot(u_now, torch::mv(w, v_now));
  return weight / sigma;
}

SNConv2dImpl::SNConv2dImpl(torch::nn::Conv2dOptions options,
                           SpectralNormOptions spectral_norm_options)
    : options(std::move(options)), spectral_norm_options(spectral_norm_options) {
  reset();
}

void SNConv2dImpl::reset() {
  TORCH_CHECK(HoldsAlternative<torch::enumtype::kZeros>(options.padding_mode()),
              "SNConv2d supports only zero padding");
  TORCH_CHECK(options.groups() > 0 && options.in_channels() % options.groups() == 0 &&
                  options.out_channels() % options.groups() == 0,
              "SNConv2d: channels must be divisible by groups");
  const auto& k = options.kernel_size();
  RegisterWeights(*this,
                  {options.out_channels(), options.in_channels() / options.groups(), (*k)[0],
                   (*k)[1]},
                  options.bias(), spectral_norm_options.eps(), weight, bias, u, v);
}

torch::Tensor SNConv2dImpl::forward(const torch::Tensor& input) {
  const torch::Tensor w = SpectralNormalize(weight, u, v, is_training(), spectral_norm_options);
  return F::conv2d(input, w,
                   F::Conv2dFuncOptions()
                       .bias(bias)
                       .stride(options.stride())
                       .padding(options.padding())
                       .dilation(options.dilation())
                       .groups(options.groups()));
}

torch::Tensor SNConv2dImpl::normalized_weight() const {
  return SpectralNormalize(weight, u, v, /*update=*/false, spectral_norm_options);
}

SNLinearImpl::SNLinearImpl(torch::nn::LinearOptions options,
                           SpectralNormOptions spectral_norm_options)
    : options(std::move(options)), spectral_norm_options(spectral_norm_options) {
  reset();
}

void SNLinearImpl::reset() {
  RegisterWeights(*this, {options.out_features(), options.in_features()}, options.bias(),
                  spectral_norm_options.eps(), weight, bias, u, v);
}

torch::Tensor SNLinearImpl::forward(const torch::Tensor& input) {
  return F::linear(input,
                   SpectralNormalize(weight, u, v, is_training(), spectral_norm_options), bias);
}

torch::Tensor SNLinearImpl::normalized_weight() const {
  return SpectralNormalize(weight, u, v, /*update=*/false, spectral_norm_options);
}

}  // namespace gan
