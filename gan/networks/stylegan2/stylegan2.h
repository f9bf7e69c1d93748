// StyleGAN2 (Karras et al. 2020, "Analyzing and Improving the Image Quality of StyleGAN"),
// the paper's configuration E/F at a width chosen for the CPU:
//   G: StyleGAN's mapping network z -> w (gan/networks/stylegan), a learned 4x4 constant,
//      and per resolution two modulated, demodulated 3x3 convolutions (the first after 2x
//      FIR upsampling; gan/nn/modulated_conv2d.h), each followed by scaled noise, a bias
//      and leaky ReLU times sqrt(2); the image is the sum of every resolution's toRGB
//      output (modulated 1x1, not demodulated), each upsampled to the next ("skip").
//      Style mixing and truncation in w as StyleGAN's (style_space.h). The reference's
//      output is linear; tanh keeps it in [-1, 1] as gan_modules.h promises.
//   D: residual: fromRGB, then per resolution conv 3x3, conv 3x3 with 2x FIR downsampling,
//      plus a 1x1 shortcut of the downsampled input, summed times sqrt(1/2); at 4x4 the
//      minibatch standard deviation (groups of 4), conv 3x3, a dense layer and the output.
// Every layer has an equalized learning rate. With num_classes > 0 (the ADA paper's
// conditional form): G maps [z, embed(c)] (each normalized) to w, and D's output is the
// projection of its last features onto a class vector cmap (an 8-layer mapping of
// embed(c)), divided by sqrt(cmap_dim).
//
//   gan::StyleGan2Spec spec = *gan::StyleGan2SpecFor(32, 1, /*width=*/8, /*latent_dim=*/128);
//   auto g = std::make_shared<gan::StyleGan2Generator>(spec);
//   auto d = std::make_shared<gan::StyleGan2Discriminator>(spec);
//   torch::Tensor logits = d->forward(g->forward(g->SampleLatent(16, device)));
#ifndef GAN_NETWORKS_STYLEGAN2_STYLEGAN2_H_
#define GAN_NETWORKS_STYLEGAN2_STYLEGAN2_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gan/networks/gan_modules.h"
#include "gan/networks/style_based_generator.h"
#include "gan/networks/stylegan/style_space.h"
#include "gan/networks/stylegan/stylegan.h"
#include "gan/nn/equalized_lr.h"
#include "gan/nn/modulated_conv2d.h"

namespace gan {

struct StyleGan2Spec {
  // Image size and channels per resolution, z and w, the mapping network, style mixing
  // and the w average: as StyleGAN's.
  StyleGanSpec style;
  int64_t num_classes = 0;
  int64_t minibatch_group_size = 4;
};

// As StyleGanSpecFor (channels 8 * width at 4x4 and 8x8, halved per doubling, >= width).
absl::StatusOr<StyleGan2Spec> StyleGan2SpecFor(int64_t image_size, int64_t image_channels,
                                               int64_t width, int64_t latent_dim);

absl::Status ValidateStyleGan2Spec(const StyleGan2Spec& spec);

// One synthesis layer: modulated conv -> + noise_strength * N(0, 1) noise [N, 1, H, W] ->
// + bias -> leaky ReLU 0.2 -> * sqrt(2).
class StyleGan2LayerImpl : public torch::nn::Cloneable<StyleGan2LayerImpl> {
 public:
  StyleGan2LayerImpl(int64_t in_channels, int64_t out_channels, int64_t w_dim, bool upsample);
  void reset() override;
  // noise: [N or 1, 1, H', W'], or undefined for fresh noise.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& w,
                        const torch::Tensor& noise = {});

  int64_t in_channels, out_channels, w_dim;
  bool upsample;
  ModulatedConv2d conv{nullptr};
  torch::Tensor noise_strength;  // scalar, 0 at init
  torch::Tensor bias;            // [out], 0 at init

 protected:
  FORWARD_HAS_DEFAULT_ARGS({2, torch::nn::AnyValue(torch::Tensor())})
};
TORCH_MODULE(StyleGan2Layer);

// Submodules: "mapping", ["embed" (conditional)], "layer0" ... "layer{L-1}", "to_rgb0" ...
// (one per resolution); parameter "const_input" [1, C4, 4, 4]; buffer "w_average".
class StyleGan2Generator : public StyleBasedGenerator {
 public:
  explicit StyleGan2Generator(const StyleGan2Spec& spec);
  using GeneratorModule::forward;
  // z [N, latent_dim] (labels [N] when conditional) -> images in [-1, 1]. Training mode:
  // updates w_average and mixes styles; both modes: truncation as set.
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& labels) override;
  int64_t latent_dim() const override { return spec_.style.latent_dim; }
  int64_t image_size() const override { return spec_.style.image_size; }
  int64_t image_channels() const override { return spec_.style.image_channels; }
  int64_t num_classes() const override { return spec_.num_classes; }
  const StyleGan2Spec& spec() const { return spec_; }

  // The number of w inputs of the synthesis network: every conv layer's and the last toRGB's
  // (each other toRGB shares the next resolution's first w, as in the reference).
  int64_t num_ws() const override { return static_cast<int64_t>(layers_.size()) + 1; }
  int64_t w_dim() const override { return spec_.style.w_dim; }
  torch::Tensor Styles(const torch::Tensor& z, const torch::Tensor& labels) override;
  // z [N, latent_dim] (labels when conditional) -> w [N, w_dim]; deterministic.
  torch::Tensor Map(const torch::Tensor& z, const torch::Tensor& labels = {});
  // ws [N, num_ws, w_dim] -> images. noise: empty for fresh noise, else one tensor per conv
  // layer (SampleNoise's shapes).
  torch::Tensor Synthesize(const torch::Tensor& ws,
                           const std::vector<torch::Tensor>& noise = {}) override;
  std::vector<torch::Tensor> SampleNoise(int64_t n, const torch::Device& device) const override;

  void set_truncation(double psi, int64_t cutoff = -1);
  bool SetIntermediateTruncation(double psi) override {
    set_truncation(psi);
    return true;
  }
  const torch::Tensor& w_average() const override { return w_average_; }

 private:
  StyleGan2Spec spec_;
  StyleGanMapping mapping_{nullptr};
  EqualizedLinear embed_{nullptr};  // conditional: one-hot c -> w_dim
  torch::Tensor const_input_;
  std::vector<StyleGan2Layer> layers_;
  std::vector<ModulatedConv2d> to_rgb_;
  std::vector<torch::Tensor> to_rgb_bias_;
  torch::Tensor w_average_;
  StyleSettings settings_;
};

// Submodules: "from_rgb", "block0" ... (from the top resolution down to 8x8), "epilogue_conv",
// "epilogue_fc", "out"; conditional: "embed", "cmap_mapping".
class StyleGan2Discriminator : public DiscriminatorModule {
 public:
  explicit StyleGan2Discriminator(const StyleGan2Spec& spec);
  using DiscriminatorModule::forward;
  torch::Tensor forward(const torch::Tensor& images, const torch::Tensor& labels) override;
  // The dense layer's output [N, C4]: the input of the output layer.
  torch::Tensor features(const torch::Tensor& images, const torch::Tensor& labels) override;
  // fromRGB with the first block, each further block, and the 4x4 epilogue with the output.
  std::vector<std::vector<torch::Tensor>> block_parameters() override;

 private:
  struct Block {
    EqualizedConv2d conv0{nullptr}, conv1{nullptr}, skip{nullptr};
  };
  StyleGan2Spec spec_;
  EqualizedConv2d from_rgb_{nullptr};
  std::vector<Block> blocks_;
  EqualizedConv2d epilogue_conv_{nullptr};
  EqualizedLinear epilogue_fc_{nullptr}, out_{nullptr};
  EqualizedLinear embed_{nullptr};
  StyleGanMapping cmap_mapping_{nullptr};
  int64_t cmap_dim_ = 0;
};

}  // namespace gan

#endif  // GAN_NETWORKS_STYLEGAN2_STYLEGAN2_H_
