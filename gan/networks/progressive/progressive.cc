#include "gan/networks/progressive/progressive.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <c10/util/llvmMathExtras.h>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "gan/nn/minibatch_stddev.h"
#include "gan/nn/pixel_norm.h"

namespace gan {
namespace {

torch::Tensor LeakyRelu(const torch::Tensor& x) { return torch::leaky_relu(x, 0.2); }

torch::Tensor UpsampleNearest(const torch::Tensor& x, int64_t factor) {
  if (factor == 1) return x;
  return torch::upsample_nearest2d(x, std::vector<int64_t>{x.size(2) * factor, x.size(3) * factor});
}

torch::Tensor AveragePool(const torch::Tensor& x, int64_t factor) {
  if (factor == 1) return x;
  return torch::avg_pool2d(x, {factor, factor});
}

// Resolutions 4, 8, ..., image_size.
int64_t LevelsFor(int64_t image_size) {
  int64_t levels = 1;
  for (int64_t r = 4; r < image_size; r *= 2) ++levels;
  return levels;
}

void CheckPhase(const char* network, int64_t level, double alpha, int64_t num_levels) {
  TORCH_CHECK(level >= 0 && level < num_levels, network, ": level must be in [0, ", num_levels,
              "), got ", level);
  TORCH_CHECK(alpha >= 0.0 && alpha <= 1.0, network, ": alpha must be in [0, 1], got ", alpha);
}

void WritePhase(torch::Tensor& level_buffer, torch::Tensor& alpha_buffer, int64_t level,
                double alpha) {
  torch::NoGradGuard no_grad;
  level_buffer.fill_(level);
  alpha_buffer.fill_(alpha);
}

}  // namespace

absl::StatusOr<ProgressiveSpec> ProgressiveSpecFor(int64_t image_size, int64_t image_channels,
                                                   int64_t width, int64_t latent_dim) {
  if (image_size <= 0 || !c10::llvm::isPowerOf2_64(image_size) || image_size < 8 || image_size > 256) {
    return absl::InvalidArgumentError(absl::StrCat(
        "progressive networks support image sizes 8, 16, 32, 64, 128 and 256 (powers of two "
        "in [8, 256]; pad 28x28 data to 32 with data.pad=2), not ",
        image_size));
  }
  if (width < 1 || latent_dim < 1 || image_channels < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "progressive networks need width, latent_dim and image channels >= 1, got ", width, ", ",
        latent_dim, ", ", image_channels));
  }
  ProgressiveSpec spec;
  spec.image_size = image_size;
  spec.image_channels = image_channels;
  spec.latent_dim = latent_dim;
  for (int64_t level = 0; level < LevelsFor(image_size); ++level) {
    const int64_t halvings = std::max<int64_t>(level - 1, 0);
    spec.channels.push_back(std::max((8 * width) >> halvings, width));
  }
  return spec;
}

absl::Status CheckMinibatchGroups(const ProgressiveSpec& spec, int64_t batch_size) {
  return CheckMinibatchStdDevGroups(spec.minibatch_group_size, batch_size);
}

absl::Status ValidateProgressiveSpec(const ProgressiveSpec& spec) {
  if (spec.image_size <= 0 || !c10::llvm::isPowerOf2_64(spec.image_size) || spec.image_size < 4) {
    return absl::InvalidArgumentError(absl::StrCat(
        "progressive networks need a power-of-two image size >= 4, got ", spec.image_size));
  }
  if (spec.image_channels < 1 || spec.latent_dim < 1 || spec.minibatch_group_size < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "progressive networks need image_channels, latent_dim and minibatch_group_size >= 1, "
        "got ", spec.image_channels, ", ", spec.latent_dim, ", ", spec.minibatch_group_size));
  }
  const int64_t levels = LevelsFor(spec.image_size);
  if (static_cast<int64_t>(spec.channels.size()) != levels) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a ", spec.image_size, "x", spec.image_size, " progressive network has ", levels,
        " levels (4x4 up to ", spec.image_size, "x", spec.image_size,
        ") and needs one channel count per level, got ", spec.channels.size()));
  }
  for (int64_t c : spec.channels) {
    if (c < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("progressive network channel counts must be >= 1, got ", c));
    }
  }
  return absl::OkStatus();
}

ProgressiveGeneratorBlockImpl::ProgressiveGeneratorBlockImpl(int64_t in_channels,
                                                             int64_t out_channels) {
  conv1 = register_module("conv1",
                          EqualizedConv2d(EqualizedConv2dOptions(in_channels, out_channels, 3)));
  conv2 = register_module("conv2",
                          EqualizedConv2d(EqualizedConv2dOptions(out_channels, out_channels, 3)));
}

torch::Tensor ProgressiveGeneratorBlockImpl::forward(const torch::Tensor& x) {
  const torch::Tensor h = PixelNorm(LeakyRelu(conv1->forward(UpsampleNearest(x, 2))));
  return PixelNorm(LeakyRelu(conv2->forward(h)));
}

ProgressiveDiscriminatorBlockImpl::ProgressiveDiscriminatorBlockImpl(int64_t in_channels,
                                                                     int64_t out_channels) {
  conv1 = register_module("conv1",
                          EqualizedConv2d(EqualizedConv2dOptions(in_channels, in_channels, 3)));
  conv2 = register_module("conv2",
                          EqualizedConv2d(EqualizedConv2dOptions(in_channels, out_channels, 3)));
}

torch::Tensor ProgressiveDiscriminatorBlockImpl::forward(const torch::Tensor& x) {
  return AveragePool(LeakyRelu(conv2->forward(LeakyRelu(conv1->forward(x)))), 2);
}

ProgressiveGenerator::ProgressiveGenerator(const ProgressiveSpec& spec) : spec_(spec) {
  const absl::Status valid = ValidateProgressiveSpec(spec);
  TORCH_CHECK(valid.ok(), std::string(valid.message()));
  const int64_t c0 = spec.channels[0];
  // Gain sqrt(2)/4 as in PGGAN's reference code, whose first layer was a 4x4 full
  // convolution of z as a 1x1 image: its He constant counts 16 taps per latent feature.
  input_ = register_module("input", EqualizedLinear(EqualizedLinearOptions(spec.latent_dim, c0 * 16)
                                                        .gain(std::sqrt(2.0) / 4.0)));
  input_conv_ = register_module("input_conv", EqualizedConv2d(EqualizedConv2dOptions(c0, c0, 3)));
  for (int64_t level = 0; level < num_levels(); ++level) {
    if (level >= 1) {
      blocks_.push_back(register_module(
          absl::StrCat("block", level),
          ProgressiveGeneratorBlock(spec.channels[level - 1], spec.channels[level])));
    }
    // Gain 1: a linear output layer.
    to_rgb_.push_back(register_module(
        absl::StrCat("to_rgb", level),
        EqualizedConv2d(
            EqualizedConv2dOptions(spec.channels[level], spec.image_channels, 1).gain(1.0))));
  }
  level_ = register_buffer("level", torch::scalar_tensor(num_levels() - 1, torch::kLong));
  alpha_ = register_buffer("alpha", torch::scalar_tensor(1.0, torch::kFloat));
}

void ProgressiveGenerator::set_phase(int64_t level, double alpha) {
  CheckPhase("ProgressiveGenerator", level, alpha, num_levels());
  WritePhase(level_, alpha_, level, alpha);
}

int64_t ProgressiveGenerator::phase_level() const { return level_.item<int64_t>(); }

double ProgressiveGenerator::phase_alpha() const { return alpha_.item<double>(); }

torch::Tensor ProgressiveGenerator::Features(const torch::Tensor& z, int64_t level) {
  TORCH_CHECK(z.dim() == 2 && z.size(1) == spec_.latent_dim,
              "ProgressiveGenerator: expected z [N, ", spec_.latent_dim, "], got ", z.sizes());
  TORCH_CHECK(level >= 0 && level < num_levels(), "ProgressiveGenerator: level must be in [0, ",
              num_levels(), "), got ", level);
  torch::Tensor h = input_->forward(PixelNorm(z)).view({z.size(0), spec_.channels[0], 4, 4});
  h = PixelNorm(LeakyRelu(h));
  h = PixelNorm(LeakyRelu(input_conv_->forward(h)));
  for (int64_t l = 1; l <= level; ++l) h = blocks_[l - 1]->forward(h);
  return h;
}

torch::Tensor ProgressiveGenerator::ForwardAtLevel(const torch::Tensor& z, int64_t level,
                                                   double alpha) {
  CheckPhase("ProgressiveGenerator", level, alpha, num_levels());
  if (level == 0) return to_rgb_[0]->forward(Features(z, 0));
  const torch::Tensor previous = Features(z, level - 1);
  const torch::Tensor rgb = to_rgb_[level]->forward(blocks_[level - 1]->forward(previous));
  // Stable phases (most of training) skip the faded-out branch.
  if (alpha == 1.0) return rgb;
  return torch::lerp(UpsampleNearest(to_rgb_[level - 1]->forward(previous), 2), rgb, alpha);
}

torch::Tensor ProgressiveGenerator::forward(const torch::Tensor& z, const torch::Tensor& labels) {
  TORCH_CHECK(!labels.defined(), "ProgressiveGenerator is unconditional: labels must be undefined");
  const int64_t level = phase_level();
  // tanh: images in [-1, 1], the GeneratorModule contract; then full size for everyone else.
  const torch::Tensor images = torch::tanh(ForwardAtLevel(z, level, phase_alpha()));
  return UpsampleNearest(images, int64_t{1} << (num_levels() - 1 - level));
}

ProgressiveDiscriminator::ProgressiveDiscriminator(const ProgressiveSpec& spec) : spec_(spec) {
  const absl::Status valid = ValidateProgressiveSpec(spec);
  TORCH_CHECK(valid.ok(), std::string(valid.message()));
  const int64_t c0 = spec.channels[0];
  for (int64_t level = 0; level < num_levels(); ++level) {
    from_rgb_.push_back(register_module(
        absl::StrCat("from_rgb", level),
        EqualizedConv2d(EqualizedConv2dOptions(spec.image_channels, spec.channels[level], 1))));
    if (level >= 1) {
      blocks_.push_back(register_module(
          absl::StrCat("block", level),
          ProgressiveDiscriminatorBlock(spec.channels[level], spec.channels[level - 1])));
    }
  }
  final_conv_ =
      register_module("final_conv", EqualizedConv2d(EqualizedConv2dOptions(c0 + 1, c0, 3)));
  final_linear_ =
      register_module("final_linear", EqualizedLinear(EqualizedLinearOptions(c0 * 16, c0)));
  output_ = register_module("output", EqualizedLinear(EqualizedLinearOptions(c0, 1).gain(1.0)));
  level_ = register_buffer("level", torch::scalar_tensor(num_levels() - 1, torch::kLong));
  alpha_ = register_buffer("alpha", torch::scalar_tensor(1.0, torch::kFloat));
}

void ProgressiveDiscriminator::set_phase(int64_t level, double alpha) {
  CheckPhase("ProgressiveDiscriminator", level, alpha, num_levels());
  WritePhase(level_, alpha_, level, alpha);
}

int64_t ProgressiveDiscriminator::phase_level() const { return level_.item<int64_t>(); }

double ProgressiveDiscriminator::phase_alpha() const { return alpha_.item<double>(); }

torch::Tensor ProgressiveDiscriminator::FeaturesAtLevel(const torch::Tensor& x, int64_t level,
                                                        double alpha) {
  CheckPhase("ProgressiveDiscriminator", level, alpha, num_levels());
  const int64_t resolution = int64_t{4} << level;
  TORCH_CHECK(x.dim() == 4 && x.size(1) == spec_.image_channels && x.size(2) == resolution &&
                  x.size(3) == resolution,
              "ProgressiveDiscriminator: expected images [N, ", spec_.image_channels, ", ",
              resolution, ", ", resolution, "] at level ", level, ", got ", x.sizes());
  torch::Tensor h = LeakyRelu(from_rgb_[level]->forward(x));
  if (level >= 1) {
    h = blocks_[level - 1]->forward(h);
    // Stable phases (most of training) skip the faded-out branch.
    if (alpha != 1.0) {
      h = torch::lerp(LeakyRelu(from_rgb_[level - 1]->forward(AveragePool(x, 2))), h, alpha);
    }
  }
  for (int64_t l = level - 1; l >= 1; --l) h = blocks_[l - 1]->forward(h);
  h = LeakyRelu(final_conv_->forward(MinibatchStdDev(h, spec_.minibatch_group_size)));
  return LeakyRelu(final_linear_->forward(h.flatten(1)));
}

torch::Tensor ProgressiveDiscriminator::features(const torch::Tensor& images,
                                                 const torch::Tensor& labels) {
  TORCH_CHECK(!labels.defined(),
              "ProgressiveDiscriminator is unconditional: labels must be undefined");
  const int64_t size = spec_.image_size;
  TORCH_CHECK(images.dim() == 4 && images.size(1) == spec_.image_channels &&
                  images.size(2) == size && images.size(3) == size,
              "ProgressiveDiscriminator: expected full-size images [N, ", spec_.image_channels,
              ", ", size, ", ", size, "], got ", images.sizes());
  const int64_t level = phase_level();
  const torch::Tensor x = AveragePool(images, int64_t{1} << (num_levels() - 1 - level));
  return FeaturesAtLevel(x, level, phase_alpha());
}

torch::Tensor ProgressiveDiscriminator::forward(const torch::Tensor& images,
                                                const torch::Tensor& labels) {
  return output_->forward(features(images, labels)).view({images.size(0)});
}

}  // namespace gan
