// Equalized learning rate (Karras et al. 2018, PGGAN; kept by StyleGAN): weights are
// stored as N(0, 1 / lr_multiplier^2) draws and multiplied at every forward by
// gain / sqrt(fan_in) * lr_multiplier (He's constant), so Adam's per-parameter step
// sizes act on comparably scaled weights in every layer. The bias is stored divided by
// lr_multiplier and multiplied back at runtime; StyleGAN's mapping network uses
// lr_multiplier = 0.01.
//
//   gan::EqualizedConv2d conv(gan::EqualizedConv2dOptions(64, 128, 3));
//   torch::Tensor y = conv(x);  // conv2d(x, weight * weight_scale(), bias)
#ifndef GAN_NN_EQUALIZED_LR_H_
#define GAN_NN_EQUALIZED_LR_H_

#include <cmath>
#include <cstdint>

#include <torch/nn/cloneable.h>
#include <torch/types.h>

namespace gan {

struct EqualizedLinearOptions {
  EqualizedLinearOptions(int64_t in_features, int64_t out_features)
      : in_features_(in_features), out_features_(out_features) {}
  TORCH_ARG(int64_t, in_features);
  TORCH_ARG(int64_t, out_features);
  TORCH_ARG(bool, bias) = true;
  // sqrt(2) before a (leaky) ReLU, 1 before a linear output.
  TORCH_ARG(double, gain) = std::sqrt(2.0);
  TORCH_ARG(double, lr_multiplier) = 1.0;
  // The effective bias at initialization (AdaIN style layers start at 1 for the scale).
  TORCH_ARG(double, bias_init) = 0.0;
};

class EqualizedLinearImpl : public torch::nn::Cloneable<EqualizedLinearImpl> {
 public:
  explicit EqualizedLinearImpl(EqualizedLinearOptions options);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& input);
  // gain / sqrt(in_features) * lr_multiplier.
  double weight_scale() const;

  EqualizedLinearOptions options;
  torch::Tensor weight;  // [out, in], stored unscaled
  torch::Tensor bias;    // [out], stored divided by lr_multiplier; undefined without bias
};

TORCH_MODULE(EqualizedLinear);

struct EqualizedConv2dOptions {
  EqualizedConv2dOptions(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : in_channels_(in_channels),
        out_channels_(out_channels),
        kernel_size_(kernel_size),
        padding_(kernel_size / 2) {}
  TORCH_ARG(int64_t, in_channels);
  TORCH_ARG(int64_t, out_channels);
  TORCH_ARG(int64_t, kernel_size);
  TORCH_ARG(int64_t, padding);  // default keeps the size for odd kernels
  TORCH_ARG(bool, bias) = true;
  TORCH_ARG(double, gain) = std::sqrt(2.0);
};

class EqualizedConv2dImpl : public torch::nn::Cloneable<EqualizedConv2dImpl> {
 public:
  explicit EqualizedConv2dImpl(EqualizedConv2dOptions options);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& input);
  // gain / sqrt(in_channels * kernel_size^2).
  double weight_scale() const;

  EqualizedConv2dOptions options;
  torch::Tensor weight;  // [out, in, k, k], stored unscaled
  torch::Tensor bias;    // [out]; undefined without bias
};

TORCH_MODULE(EqualizedConv2d);

}  // namespace gan

#endif  // GAN_NN_EQUALIZED_LR_H_
