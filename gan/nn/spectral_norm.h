// Spectral normalization (Miyato et al. 2018): divides a layer's weight by an estimate of
// its largest singular value, kept by one power-iteration step per training forward, so
// the layer is (about) 1-Lipschitz. Behaves like torch.nn.utils.spectral_norm: the raw
// weight is the parameter `weight`, the power-iteration vectors are the buffers `u`, `v`
// (saved and loaded with the module), and eval mode uses them without updating.
//
//   gan::SNConv2d conv(torch::nn::Conv2dOptions(64, 128, 4).stride(2).padding(1));
//   torch::Tensor y = conv(x);   // conv2d with weight / sigma(weight)
#ifndef GAN_NN_SPECTRAL_NORM_H_
#define GAN_NN_SPECTRAL_NORM_H_

#include <cstdint>

#include <torch/nn/cloneable.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/types.h>

namespace gan {

struct SpectralNormOptions {
  // Power-iteration steps per training forward (torch's n_power_iterations).
  TORCH_ARG(int64_t, power_iterations) = 1;
  // Lower bound on a norm before dividing by it, as torch's normalize().
  TORCH_ARG(double, eps) = 1e-12;
};

// Returns weight / sigma with sigma = u . (W v), W = weight viewed as [out, -1].
// With `update` (training), first runs options.power_iterations() steps
//   v = normalize(W^T u),  u = normalize(W v)
// writing u [out] and v [W.size(1)] in place without autograd. Gradients flow through
// `weight` only; u and v are constants of the graph.
torch::Tensor SpectralNormalize(const torch::Tensor& weight, const torch::Tensor& u,
                                const torch::Tensor& v, bool update,
                                const SpectralNormOptions& options = {});

// Conv2d whose weight is spectrally normalized. Padding modes other than zeros are
// rejected (SN GANs do not use them).
class SNConv2dImpl : public torch::nn::Cloneable<SNConv2dImpl> {
 public:
  explicit SNConv2dImpl(torch::nn::Conv2dOptions options,
                        SpectralNormOptions spectral_norm_options = {});
  void reset() override;
  torch::Tensor forward(const torch::Tensor& input);
  // weight / sigma from the stored u, v; never updates them.
  torch::Tensor normalized_weight() const;

  torch::nn::Conv2dOptions options;
  SpectralNormOptions spectral_norm_options;
  torch::Tensor weight;  // [out, in / groups, kh, kw], un-normalized
  torch::Tensor bias;    // [out], undefined without bias
  torch::Tensor u;       // [out]
  torch::Tensor v;       // [in / groups * kh * kw]
};

TORCH_MODULE(SNConv2d);

// Linear layer whose weight is spectrally normalized.
class SNLinearImpl : public torch::nn::Cloneable<SNLinearImpl> {
 public:
  explicit SNLinearImpl(torch::nn::LinearOptions options,
                        SpectralNormOptions spectral_norm_options = {});
  void reset() override;
  torch::Tensor forward(const torch::Tensor& input);
  torch::Tensor normalized_weight() const;

  torch::nn::LinearOptions options;
  SpectralNormOptions spectral_norm_options;
  torch::Tensor weight;  // [out, in], un-normalized
  torch::Tensor bias;    // [out], undefined without bias
  torch::Tensor u;       // [out]
  torch::Tensor v;       // [in]
};

TORCH_MODULE(SNLinear);

}  // namespace gan

#endif  // GAN_NN_SPECTRAL_NORM_H_
