// StyleGAN2's modulated convolution with weight demodulation (Karras et al. 2020), which
// replaces StyleGAN's AdaIN: each sample's style s (an affine map of w) scales the
// weight's input channels, w'_oik = w_oik * s_i, and demodulation rescales each output
// channel to unit norm, w''_oik = w'_oik / sqrt(sum_ik w'_oik^2 + 1e-8), so that outputs
// have unit variance for unit-variance inputs without normalizing the activations (the
// cause of StyleGAN's droplet artifacts). toRGB layers modulate without demodulating.
//
// Two forms compute the same thing (tested equal):
//   kGroupedConvolution: one convolution over the batch as groups, each sample with its
//     own weights (the reference's fused form);
//   kScaledActivations: the inputs scaled by s, one convolution with the shared weight,
//     the outputs scaled by the demodulation (the reference's non-fused form), which keeps
//     LibTorch's ordinary batched convolution.
// With upsample, the input is first upsampled 2x through StyleGAN2's low-pass filter
// (gan/nn/fir_resample.h); the reference's transposed convolution followed by the same
// filter is this in the other order (linear filters commute), up to the border.
//
//   gan::ModulatedConv2d conv(gan::ModulatedConv2dOptions(512, 512, 3, /*style_dim=*/512));
//   torch::Tensor y = conv(x, w);  // x [N, 512, H, W], w [N, 512] -> [N, 512, H, W]
#ifndef GAN_NN_MODULATED_CONV2D_H_
#define GAN_NN_MODULATED_CONV2D_H_

#include <cstdint>

#include <torch/nn/cloneable.h>
#include <torch/types.h>

#include "gan/nn/equalized_lr.h"

namespace gan {

enum class ModulationForm { kGroupedConvolution, kScaledActivations };

// The operation: x [N, I, H, W], weight [O, I, k, k] (already scaled), styles [N, I] ->
// [N, O, H', W'] (H' = H, or 2H with upsample; odd k, zero padding k / 2).
torch::Tensor ModulatedConvolution(const torch::Tensor& x, const torch::Tensor& weight,
                                   const torch::Tensor& styles, bool demodulate, bool upsample,
                                   ModulationForm form = ModulationForm::kGroupedConvolution);

struct ModulatedConv2dOptions {
  ModulatedConv2dOptions(int64_t in_channels, int64_t out_channels, int64_t kernel_size,
                         int64_t style_dim)
      : in_channels_(in_channels),
        out_channels_(out_channels),
        kernel_size_(kernel_size),
        style_dim_(style_dim) {}
  TORCH_ARG(int64_t, in_channels);
  TORCH_ARG(int64_t, out_channels);
  TORCH_ARG(int64_t, kernel_size);
  TORCH_ARG(int64_t, style_dim);
  TORCH_ARG(bool, demodulate) = true;  // false for toRGB
  TORCH_ARG(bool, upsample) = false;
  TORCH_ARG(ModulationForm, form) = ModulationForm::kGroupedConvolution;
};

class ModulatedConv2dImpl : public torch::nn::Cloneable<ModulatedConv2dImpl> {
 public:
  explicit ModulatedConv2dImpl(ModulatedConv2dOptions options);
  void reset() override;
  // x [N, I, H, W], w [N, style_dim].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& w);
  // The styles s = affine(w), [N, I]; they start at 1 (the affine's bias).
  torch::Tensor styles(const torch::Tensor& w);
  // Equalized learning rate: 1 / sqrt(I * k^2) (He's constant without the ReLU gain).
  double weight_scale() const;

  ModulatedConv2dOptions options;
  EqualizedLinear affine{nullptr};  // style_dim -> in_channels, bias initialized to 1
  torch::Tensor weight;             // [O, I, k, k] ~ N(0, 1), scaled at every forward
};

TORCH_MODULE(ModulatedConv2d);

}  // namespace gan

#endif  // GAN_NN_MODULATED_CONV2D_H_
