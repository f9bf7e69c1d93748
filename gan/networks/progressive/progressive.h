// Progressive growing of GANs (Karras et al. 2018, PGGAN): a generator and a
// discriminator that train at 4x4 first and grow by one resolution level at a time, each
// new level fading in smoothly (see progressive_schedule.h for when). Both networks are
// built in full up front, so one optimizer made at the start covers every parameter; the
// current phase (level, alpha) lives in registered buffers, so checkpoints keep it.
//
// To the rest of the toolkit they are ordinary full-size networks: G always returns
// [N, C, image_size, image_size] images in [-1, 1] (upsampled with nearest neighbours
// from the phase's resolution, so early samples look blocky) and D always takes full-size
// images (average-pooled down to the phase's resolution).
//
// The layers are PGGAN's: equalized learning rate everywhere, PixelNorm after every
// convolution of G, leaky ReLU (0.2), minibatch standard deviation in D's last block.
// G's first layer (z -> 4x4) uses PGGAN's gain sqrt(2)/4 (see progressive.cc), the RGB
// layers gain 1, every other layer sqrt(2).
//
//   gan::ProgressiveSpec spec = *gan::ProgressiveSpecFor(32, 1, /*width=*/16, /*latent=*/128);
//   auto g = std::make_shared<gan::ProgressiveGenerator>(spec);
//   auto d = std::make_shared<gan::ProgressiveDiscriminator>(spec);
//   g->set_phase(1, 0.5);  // 8x8, halfway through fading in from 4x4
//   d->set_phase(1, 0.5);
//   torch::Tensor images = g->forward(g->SampleLatent(16, device));  // [16, 1, 32, 32]
#ifndef GAN_NETWORKS_PROGRESSIVE_PROGRESSIVE_H_
#define GAN_NETWORKS_PROGRESSIVE_PROGRESSIVE_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gan/networks/gan_modules.h"
#include "gan/nn/equalized_lr.h"

namespace gan {

struct ProgressiveSpec {
  int64_t image_size = 32;
  int64_t image_channels = 1;
  int64_t latent_dim = 128;
  // One entry per resolution 4, 8, ..., image_size: level L (4 * 2^L) has channels[L]
  // feature maps in both G and D.
  std::vector<int64_t> channels;
  int64_t minibatch_group_size = 4;  // D's minibatch standard deviation
};

// image_size: a power of two in [8, 256]. Channels follow PGGAN's shape at a chosen
// width: 8 * width at 4x4 and 8x8, halved at every further doubling, never below width
// (width 64 gives PGGAN's 512 at the lowest levels; 256x256 gives 8w 8w 4w 2w w w w).
absl::StatusOr<ProgressiveSpec> ProgressiveSpecFor(int64_t image_size, int64_t image_channels,
                                                   int64_t width, int64_t latent_dim);

// image_size a power of two >= 4, one positive channel count per level, positive sizes.
absl::Status ValidateProgressiveSpec(const ProgressiveSpec& spec);

// OK when D's minibatch standard deviation can split batches of `batch_size` into its
// groups (of minibatch_group_size, or one group when the batch is smaller); else an
// error that says so, to follow the batch size's config key.
absl::Status CheckMinibatchGroups(const ProgressiveSpec& spec, int64_t batch_size);

// G's block for level L >= 1: nearest upsample x2 -> (conv3x3 -> lrelu -> PixelNorm) x 2.
class ProgressiveGeneratorBlockImpl : public torch::nn::Module {
 public:
  ProgressiveGeneratorBlockImpl(int64_t in_channels, int64_t out_channels);
  // [N, in, r, r] -> [N, out, 2r, 2r]
  torch::Tensor forward(const torch::Tensor& x);

  EqualizedConv2d conv1{nullptr};
  EqualizedConv2d conv2{nullptr};
};

TORCH_MODULE(ProgressiveGeneratorBlock);

// D's block for level L >= 1: conv3x3 -> lrelu -> conv3x3 (to level L - 1's channels) ->
// lrelu -> average pool 2.
class ProgressiveDiscriminatorBlockImpl : public torch::nn::Module {
 public:
  ProgressiveDiscriminatorBlockImpl(int64_t in_channels, int64_t out_channels);
  // [N, in, 2r, 2r] -> [N, out, r, r]
  torch::Tensor forward(const torch::Tensor& x);

  EqualizedConv2d conv1{nullptr};
  EqualizedConv2d conv2{nullptr};
};

TORCH_MODULE(ProgressiveDiscriminatorBlock);

// Submodules: "input" (z -> 4x4), "input_conv", "block1" ... "block{n-1}" (block L makes
// level L from level L - 1), "to_rgb0" ... "to_rgb{n-1}"; buffers "level" and "alpha".
class ProgressiveGenerator : public GeneratorModule, public GrowingNetwork {
 public:
  // Starts at the final level with alpha 1: the full network, for users who do not grow.
  explicit ProgressiveGenerator(const ProgressiveSpec& spec);
  using GeneratorModule::forward;
  // Unconditional: labels must be undefined. Returns tanh(ForwardAtLevel(z, phase)),
  // nearest-upsampled to [N, C, image_size, image_size].
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& labels) override;
  // The RGB output before tanh at an explicit phase, at the level's resolution 4 * 2^level:
  // to_rgb[0](h_0) at level 0, else lerp(upsample2x(to_rgb[L-1](h_{L-1})),
  // to_rgb[L](h_L), alpha).
  torch::Tensor ForwardAtLevel(const torch::Tensor& z, int64_t level, double alpha);
  // h_level: block `level`'s output features [N, channels[level], 4 * 2^level, same].
  torch::Tensor Features(const torch::Tensor& z, int64_t level);
  // The 1x1 convolution (gain 1) that turns h_level into an image.
  EqualizedConv2d to_rgb(int64_t level) const { return to_rgb_.at(level); }

  // 0 <= level < num_levels(), alpha in [0, 1] (it only matters for level >= 1).
  void set_phase(int64_t level, double alpha) override;
  int64_t phase_level() const;
  double phase_alpha() const;
  int64_t num_levels() const override { return static_cast<int64_t>(spec_.channels.size()); }
  GrowingNetwork* growing() override { return this; }

  int64_t latent_dim() const override { return spec_.latent_dim; }
  int64_t image_size() const override { return spec_.image_size; }  // the final size
  int64_t image_channels() const override { return spec_.image_channels; }
  const ProgressiveSpec& spec() const { return spec_; }

 private:
  ProgressiveSpec spec_;
  EqualizedLinear input_{nullptr};
  EqualizedConv2d input_conv_{nullptr};
  std::vector<ProgressiveGeneratorBlock> blocks_;  // blocks_[L - 1] is "block{L}"
  std::vector<EqualizedConv2d> to_rgb_;
  torch::Tensor level_;  // int64 scalar
  torch::Tensor alpha_;  // float scalar
};

// Submodules: "from_rgb0" ... "from_rgb{n-1}", "block1" ... "block{n-1}" (block L takes
// level L down to L - 1), then the 4x4 head "final_conv", "final_linear", "output";
// buffers "level" and "alpha".
class ProgressiveDiscriminator : public DiscriminatorModule, public GrowingNetwork {
 public:
  // Starts at the final level with alpha 1, like the generator.
  explicit ProgressiveDiscriminator(const ProgressiveSpec& spec);
  using DiscriminatorModule::forward;
  // images: [N, C, image_size, image_size] at every phase; unconditional. Returns [N].
  torch::Tensor forward(const torch::Tensor& images, const torch::Tensor& labels) override;
  // [N, channels[0]]: the input of the last linear layer, at the current phase.
  torch::Tensor features(const torch::Tensor& images, const torch::Tensor& labels) override;
  // The same at an explicit phase, from images already at the level's resolution.
  torch::Tensor FeaturesAtLevel(const torch::Tensor& x, int64_t level, double alpha);

  void set_phase(int64_t level, double alpha) override;
  int64_t phase_level() const;
  double phase_alpha() const;
  int64_t num_levels() const override { return static_cast<int64_t>(spec_.channels.size()); }
  GrowingNetwork* growing() override { return this; }
  const ProgressiveSpec& spec() const { return spec_; }

 private:
  ProgressiveSpec spec_;
  std::vector<EqualizedConv2d> from_rgb_;
  std::vector<ProgressiveDiscriminatorBlock> blocks_;  // blocks_[L - 1] is "block{L}"
  EqualizedConv2d final_conv_{nullptr};
  EqualizedLinear final_linear_{nullptr};
  EqualizedLinear output_{nullptr};
  torch::Tensor level_;  // int64 scalar
  torch::Tensor alpha_;  // float scalar
};

}  // namespace gan

#endif  // GAN_NETWORKS_PROGRESSIVE_PROGRESSIVE_H_
