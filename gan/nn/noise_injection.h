// StyleGAN's noise inputs (Karras et al. 2019, "B" in the paper): one single-channel
// Gaussian noise image per sample, added to every feature map with a learned per-channel
// weight. The weights start at zero, so the network learns how much stochastic detail
// (hair, pores, ...) each layer gets.
//
//   gan::NoiseInjection noise(256);
//   torch::Tensor y = noise(x);         // fresh N(0, 1) noise [N, 1, H, W]
//   torch::Tensor z = noise(x, fixed);  // given noise, e.g. to hold the detail fixed
#ifndef GAN_NN_NOISE_INJECTION_H_
#define GAN_NN_NOISE_INJECTION_H_

#include <cstdint>

#include <torch/nn/cloneable.h>
#include <torch/nn/modules/common.h>
#include <torch/nn/modules/container/any_value.h>
#include <torch/types.h>

namespace gan {

// x + weight.view(1, C, 1, 1) * noise.
class NoiseInjectionImpl : public torch::nn::Cloneable<NoiseInjectionImpl> {
 public:
  explicit NoiseInjectionImpl(int64_t channels);
  void reset() override;
  // x [N, C, H, W]; noise [N or 1, 1, H, W], or undefined to draw torch::randn
  // [N, 1, H, W] on x's device and dtype.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& noise = {});

  int64_t channels;
  torch::Tensor weight;  // [C], zeros at init

 protected:
  FORWARD_HAS_DEFAULT_ARGS({1, torch::nn::AnyValue(torch::Tensor())})
};

TORCH_MODULE(NoiseInjection);

}  // namespace gan

#endif  // GAN_NN_NOISE_INJECTION_H_
