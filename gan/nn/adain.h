// Adaptive instance normalization (Huang & Belongie 2017) as StyleGAN uses it (Karras et
// al. 2019): every feature map of every sample is normalized to zero mean and unit
// variance over H, W, then scaled and shifted by a per-sample style that a learned affine
// layer ("A" in the paper) computes from the intermediate latent w.
//
//   gan::AdaptiveInstanceNorm adain(gan::AdaptiveInstanceNormOptions(256, 512));
//   torch::Tensor y = adain(x, w);  // x [N, 256, H, W], w [N, 512] -> [N, 256, H, W]
#ifndef GAN_NN_ADAIN_H_
#define GAN_NN_ADAIN_H_

#include <cstdint>
#include <utility>

#include "gan/nn/equalized_lr.h"

namespace gan {

struct AdaptiveInstanceNormOptions {
  AdaptiveInstanceNormOptions(int64_t channels, int64_t style_dim)
      : channels_(channels), style_dim_(style_dim) {}
  TORCH_ARG(int64_t, channels);
  TORCH_ARG(int64_t, style_dim);
  // Added to the (biased) variance inside the square root.
  TORCH_ARG(double, eps) = 1e-8;
};

// y = scale(w) * (x - mean_hw(x)) / sqrt(var_hw(x) + eps) + bias(w), with
// [scale, bias] = style(w). The style layer's bias starts at 1 for the scale half and 0
// for the bias half, so at initialization the layer is close to plain instance norm.
class AdaptiveInstanceNormImpl : public torch::nn::Cloneable<AdaptiveInstanceNormImpl> {
 public:
  explicit AdaptiveInstanceNormImpl(AdaptiveInstanceNormOptions options);
  void reset() override;
  // x [N, C, H, W], w [N, style_dim] -> [N, C, H, W]
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& w);
  // (scale, bias), each [N, C].
  std::pair<torch::Tensor, torch::Tensor> Style(const torch::Tensor& w);

  AdaptiveInstanceNormOptions options;
  EqualizedLinear style{nullptr};  // style_dim -> 2 * channels, gain 1
};

TORCH_MODULE(AdaptiveInstanceNorm);

}  // namespace gan

#endif  // GAN_NN_ADAIN_H_
