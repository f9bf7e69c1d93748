#include "gan/nn/modulated_conv2d.h"

#include <cmath>
#include <utility>

#include "gan/nn/fir_resample.h"

namespace gan {

torch::Tensor ModulatedConvolution(const torch::Tensor& x, const torch::Tensor& weight,
                                   const torch::Tensor& styles, bool demodulate, bool upsample,
                                   ModulationForm form) {
  TORCH_CHECK(x.dim() == 4 && weight.dim() == 4 && x.size(1) == weight.size(1),
              "ModulatedConvolution: expected x [N, I, H, W] and weight [O, I, k, k], got ",
              x.sizes(), " and ", weight.sizes());
  TORCH_CHECK(styles.dim() == 2 && styles.size(0) == x.size(0) && styles.size(1) == x.size(1),
              "ModulatedConvolution: expected styles [", x.size(0), ", ", x.size(1), "], got ",
              styles.sizes());
  TORCH_CHECK(weight.size(2) % 2 == 1 && weight.size(2) == weight.size(3),
              "ModulatedConvolution: expected a square kernel of odd size, got ", weight.sizes());
  const int64_t n = x.size(0), in = weight.size(1), out = weight.size(0);
  const int64_t padding = weight.size(2) / 2;
  const torch::Tensor input = upsample ? UpsampleFir2x(x) : x;
  // [N, O]: 1 / ||w'_o|| per sample and output channel, from ||w'_o||^2 = sum_i s_i^2 sum_k w_oik^2.
  torch::Tensor demodulation;
  if (demodulate) {
    demodulation = torch::rsqrt(torch::matmul(styles.square(), weight.square().sum({2, 3}).t()) + 1e-8);
  }
  if (form == ModulationForm::kScaledActivations) {
    torch::Tensor y = torch::conv2d(input * styles.view({n, in, 1, 1}), weight, /*bias=*/{},
                                    /*stride=*/1, padding);
    return demodulate ? y * demodulation.view({n, out, 1, 1}) : y;
  }
  torch::Tensor w = weight.unsqueeze(0) * styles.view({n, 1, in, 1, 1});  // [N, O, I, k, k]
  if (demodulate) w = w * demodulation.view({n, out, 1, 1, 1});
  const torch::Tensor y = torch::conv2d(
      input.reshape({1, n * in, input.size(2), input.size(3)}),
      w.reshape({n * out, in, weight.size(2), weight.size(3)}), /*bias=*/{}, /*stride=*/1, padding,
      /*dilation=*/1, /*groups=*/n);
  return y.reshape({n, out, y.size(2), y.size(3)});
}

ModulatedConv2dImpl::ModulatedConv2dImpl(ModulatedConv2dOptions options)
    : options(std::move(options)) {
  reset();
}

void ModulatedConv2dImpl::reset() {
  TORCH_CHECK(options.in_channels() > 0 && options.out_channels() > 0 && options.style_dim() > 0 &&
                  options.kernel_size() % 2 == 1,
              "ModulatedConv2d: channels and style_dim must be positive and the kernel size odd");
  affine = register_module(
      "affine", EqualizedLinear(EqualizedLinearOptions(options.style_dim(), options.in_channels())
                                    .gain(1.0)
                                    .bias_init(1.0)));
  weight = register_parameter("weight", torch::randn({options.out_channels(), options.in_channels(),
                                                      options.kernel_size(), options.kernel_size()}));
}

double ModulatedConv2dImpl::weight_scale() const {
  return 1.0 / std::sqrt(static_cast<double>(options.in_channels() * options.kernel_size() *
                                             options.kernel_size()));
}

torch::Tensor ModulatedConv2dImpl::styles(const torch::Tensor& w) { return affine->forward(w); }

torch::Tensor ModulatedConv2dImpl::forward(const torch::Tensor& x, const torch::Tensor& w) {
  return ModulatedConvolution(x, weight * weight_scale(), styles(w), options.demodulate(),
                              options.upsample(), options.form());
}

}  // namespace gan
