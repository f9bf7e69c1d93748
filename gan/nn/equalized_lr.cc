#include "gan/nn/equalized_lr.h"

#include <torch/nn/functional/linear.h>
#include <torch/utils.h>

namespace gan {

EqualizedLinearImpl::EqualizedLinearImpl(EqualizedLinearOptions options_)
    : options(std::move(options_)) {
  reset();
}

void EqualizedLinearImpl::reset() {
  TORCH_CHECK(options.in_features() > 0 && options.out_features() > 0,
              "EqualizedLinear: in_features and out_features must be positive, got ",
              options.in_features(), " and ", options.out_features());
  TORCH_CHECK(options.lr_multiplier() > 0, "EqualizedLinear: lr_multiplier must be positive");
  torch::NoGradGuard no_grad;
  weight = register_parameter(
      "weight", torch::randn({options.out_features(), options.in_features()}) /
                    options.lr_multiplier());
  if (options.bias()) {
    bias = register_parameter("bias", torch::full({options.out_features()},
                                                  options.bias_init() / options.lr_multiplier()));
  } else {
    bias = torch::Tensor();
  }
}

double EqualizedLinearImpl::weight_scale() const {
  return options.gain() / std::sqrt(static_cast<double>(options.in_features())) *
         options.lr_multiplier();
}

torch::Tensor EqualizedLinearImpl::forward(const torch::Tensor& input) {
  torch::Tensor scaled_bias;
  if (bias.defined()) scaled_bias = bias * options.lr_multiplier();
  return torch::nn::functional::linear(input, weight * weight_scale(), scaled_bias);
}

EqualizedConv2dImpl::EqualizedConv2dImpl(EqualizedConv2dOptions options_)
    : options(std::move(options_)) {
  reset();
}

void EqualizedConv2dImpl::reset() {
  TORCH_CHECK(options.in_channels() > 0 && options.out_channels() > 0 &&
                  options.kernel_size() > 0,
              "EqualizedConv2d: channels and kernel_size must be positive");
  torch::NoGradGuard no_grad;
  weight = register_parameter("weight", torch::randn({options.out_channels(), options.in_channels(),
                                                      options.kernel_size(), options.kernel_size()}));
  if (options.bias()) {
    bias = register_parameter("bias", torch::zeros({options.out_channels()}));
  } else {
    bias = torch::Tensor();
  }
}

double EqualizedConv2dImpl::weight_scale() const {
  const double fan_in =
      static_cast<double>(options.in_channels() * options.kernel_size() * options.kernel_size());
  return options.gain() / std::sqrt(fan_in);
}

torch::Tensor EqualizedConv2dImpl::forward(const torch::Tensor& input) {
  return torch::conv2d(input, weight * weight_scale(), bias, /*stride=*/1, options.padding());
}

}  // namespace gan
