// A StyleGAN (v1) generator (Karras et al. 2019, "A Style-Based Generator Architecture"):
// a mapping network turns z into an intermediate latent w; the synthesis network starts
// from a learned constant and, at every resolution 4, 8, ..., image_size, runs two style
// layers, each modulated by its own copy of w through AdaIN and given its own noise image.
// Training uses style mixing (a random suffix of the layers takes the w of a second z)
// and keeps a running mean of w, which sampling uses for the truncation trick in w.
// Left out from the paper: the [1, 2, 1] blur after upsampling, fused up-convolutions at
// >= 128 and progressive growing (nearest upsampling throughout).
//
//   gan::StyleGanSpec spec = *gan::StyleGanSpecFor(32, 3, /*width=*/32, /*latent_dim=*/128);
//   auto g = std::make_shared<gan::StyleGanGenerator>(spec);
//   torch::Tensor images = g->forward(g->SampleLatent(16, device));  // [16, 3, 32, 32]
//   g->eval();
//   g->set_truncation(0.7, /*cutoff=*/8);  // sampling: pull the coarse layers toward w_avg
#ifndef GAN_NETWORKS_STYLEGAN_STYLEGAN_H_
#define GAN_NETWORKS_STYLEGAN_STYLEGAN_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gan/networks/gan_modules.h"
#include "gan/networks/style_based_generator.h"
#include "gan/nn/adain.h"
#include "gan/nn/equalized_lr.h"
#include "gan/nn/noise_injection.h"

namespace gan {

struct StyleGanSpec {
  int64_t image_size = 32;  // a power of two >= 4
  int64_t image_channels = 1;
  int64_t latent_dim = 128;  // z
  int64_t w_dim = 128;
  int64_t mapping_layers = 8;
  double mapping_lr_multiplier = 0.01;
  std::vector<int64_t> channels;  // one per resolution 4, 8, ..., image_size
  double style_mixing_probability = 0.9;
  double w_average_decay = 0.995;
};

// image_size: a power of two in [8, 256]. Channels are 8 * width at 4x4 and 8x8, halved
// at each further doubling but never below width (width 64 at 32x32: 512, 512, 256, 128).
// w_dim = latent_dim; the other fields keep the paper's defaults.
absl::StatusOr<StyleGanSpec> StyleGanSpecFor(int64_t image_size, int64_t image_channels,
                                             int64_t width, int64_t latent_dim);

absl::Status ValidateStyleGanSpec(const StyleGanSpec& spec);

struct StyleGanMappingOptions {
  StyleGanMappingOptions(int64_t latent_dim, int64_t w_dim)
      : latent_dim_(latent_dim), w_dim_(w_dim) {}
  TORCH_ARG(int64_t, latent_dim);
  TORCH_ARG(int64_t, w_dim);
  TORCH_ARG(int64_t, layers) = 8;
  // The paper's 100x slower learning rate for the mapping network.
  TORCH_ARG(double, lr_multiplier) = 0.01;
};

// w = MLP(PixelNorm(z)): `layers` EqualizedLinear layers (gain sqrt(2)), each followed by
// leaky ReLU 0.2; registered as fc0, fc1, ...
class StyleGanMappingImpl : public torch::nn::Cloneable<StyleGanMappingImpl> {
 public:
  explicit StyleGanMappingImpl(StyleGanMappingOptions options);
  void reset() override;
  // z [N, latent_dim] -> w [N, w_dim]
  torch::Tensor forward(const torch::Tensor& z);

  StyleGanMappingOptions options;
  std::vector<EqualizedLinear> fc;
};

TORCH_MODULE(StyleGanMapping);

struct StyleGanLayerOptions {
  StyleGanLayerOptions(int64_t in_channels, int64_t out_channels, int64_t w_dim)
      : in_channels_(in_channels), out_channels_(out_channels), w_dim_(w_dim) {}
  TORCH_ARG(int64_t, in_channels);
  TORCH_ARG(int64_t, out_channels);
  TORCH_ARG(int64_t, w_dim);
  // false only for the first layer, which works on the constant input (in == out).
  TORCH_ARG(bool, conv) = true;
  // Nearest-neighbour x2 before the convolution: the first layer of each resolution > 4.
  TORCH_ARG(bool, upsample) = false;
};

// One synthesis layer, in StyleGAN's order:
//   [upsample x2] -> [conv 3x3, no bias] -> noise -> + bias -> leaky ReLU 0.2 -> AdaIN(w).
class StyleGanLayerImpl : public torch::nn::Cloneable<StyleGanLayerImpl> {
 public:
  explicit StyleGanLayerImpl(StyleGanLayerOptions options);
  void reset() override;
  // x [N, in, H, W], w [N, w_dim], noise as NoiseInjection's -> [N, out, H', W'].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& w,
                        const torch::Tensor& noise = {});

  StyleGanLayerOptions options;
  EqualizedConv2d conv{nullptr};  // null without options.conv()
  NoiseInjection noise{nullptr};
  torch::Tensor bias;  // [out], zeros at init
  AdaptiveInstanceNorm adain{nullptr};

 protected:
  FORWARD_HAS_DEFAULT_ARGS({2, torch::nn::AnyValue(torch::Tensor())})
};

TORCH_MODULE(StyleGanLayer);

// Unconditional: num_classes() is 0 and forward rejects labels. Submodules: "mapping",
// "layer0" ... "layer{L-1}" (two per resolution), "to_rgb"; parameter "const_input"
// [1, C4, 4, 4] (ones at init); buffer "w_average" [w_dim] (zeros at init).
class StyleGanGenerator : public StyleBasedGenerator {
 public:
  explicit StyleGanGenerator(const StyleGanSpec& spec);
  using GeneratorModule::forward;
  // z [N, latent_dim] -> images [N, image_channels, image_size, image_size] in [-1, 1].
  // Training mode: updates w_average and mixes styles with probability
  // style_mixing_probability. Both modes: truncation as set by set_truncation().
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& labels) override;
  int64_t latent_dim() const override { return spec_.latent_dim; }
  int64_t image_size() const override { return spec_.image_size; }
  int64_t image_channels() const override { return spec_.image_channels; }
  const StyleGanSpec& spec() const { return spec_; }
  int64_t num_style_layers() const { return static_cast<int64_t>(layers_.size()); }

  int64_t num_ws() const override { return num_style_layers(); }
  int64_t w_dim() const override { return spec_.w_dim; }
  // z [N, latent_dim] -> ws [N, num_style_layers, w_dim] as forward makes them (labels
  // must be undefined).
  torch::Tensor Styles(const torch::Tensor& z, const torch::Tensor& labels) override;
  // z [N, latent_dim] -> w [N, w_dim]; deterministic.
  torch::Tensor Map(const torch::Tensor& z);
  // ws [N, num_style_layers, w_dim] -> images. `noise`: empty for fresh noise in every
  // layer, else num_style_layers() tensors [N or 1, 1, H_i, W_i] (see SampleNoise).
  torch::Tensor Synthesize(const torch::Tensor& ws,
                           const std::vector<torch::Tensor>& noise = {}) override;
  // One noise image per sample and layer, at each layer's resolution.
  std::vector<torch::Tensor> SampleNoise(int64_t n, const torch::Device& device) const override;

  // [N, L, w_dim]: layers < crossover take w [N, w_dim], layers >= crossover take w2.
  torch::Tensor MixStyles(const torch::Tensor& w, const torch::Tensor& w2,
                          int64_t crossover) const;
  // Layers < cutoff (-1: all) become w_average + psi * (ws - w_average); the rest stay.
  torch::Tensor TruncateStyles(const torch::Tensor& ws, double psi, int64_t cutoff = -1) const;
  // Truncation that forward applies; psi = 1 (the default) means none.
  void set_truncation(double psi, int64_t cutoff = -1);
  bool SetIntermediateTruncation(double psi) override {
    set_truncation(psi);
    return true;
  }
  double truncation_psi() const { return truncation_psi_; }
  int64_t truncation_cutoff() const { return truncation_cutoff_; }
  // Running mean of w over training batches.
  const torch::Tensor& w_average() const override { return w_average_; }

 private:
  StyleGanSpec spec_;
  StyleGanMapping mapping_{nullptr};
  torch::Tensor const_input_;
  std::vector<StyleGanLayer> layers_;
  EqualizedConv2d to_rgb_{nullptr};
  torch::Tensor w_average_;
  double truncation_psi_ = 1.0;
  int64_t truncation_cutoff_ = -1;
};

}  // namespace gan

#endif  // GAN_NETWORKS_STYLEGAN_STYLEGAN_H_
