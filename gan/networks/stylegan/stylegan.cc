#include "gan/networks/stylegan/stylegan.h"

#include <algorithm>
#include <string>
#include <utility>

#include <c10/util/llvmMathExtras.h>
#include <torch/nn/functional/upsampling.h>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "gan/networks/stylegan/style_space.h"
#include "gan/nn/pixel_norm.h"

namespace gan {
namespace {

constexpr double kLeakySlope = 0.2;

// Two style layers per resolution: layer i works at 4 * 2^(i / 2).
int64_t LayerResolution(int64_t layer) { return int64_t{4} << (layer / 2); }

}  // namespace

absl::StatusOr<StyleGanSpec> StyleGanSpecFor(int64_t image_size, int64_t image_channels,
                                             int64_t width, int64_t latent_dim) {
  if (image_size <= 0 || !c10::llvm::isPowerOf2_64(image_size) || image_size < 8 || image_size > 256) {
    return absl::InvalidArgumentError(absl::StrCat(
        "StyleGAN image_size must be a power of two in [8, 256] (8, 16, 32, 64, 128 or 256), "
        "got ", image_size, " (pad 28x28 data to 32 with data.pad=2)"));
  }
  if (width < 1 || latent_dim < 1 || image_channels < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "StyleGAN needs width, latent_dim and image channels >= 1, got ", width, ", ",
        latent_dim, ", ", image_channels));
  }
  StyleGanSpec spec;
  spec.image_size = image_size;
  spec.image_channels = image_channels;
  spec.latent_dim = latent_dim;
  spec.w_dim = latent_dim;
  for (int64_t r = 4; r <= image_size; r *= 2) {
    spec.channels.push_back(std::max(width, 8 * width / std::max<int64_t>(1, r / 8)));
  }
  return spec;
}

absl::Status ValidateStyleGanSpec(const StyleGanSpec& spec) {
  if (spec.image_size <= 0 || !c10::llvm::isPowerOf2_64(spec.image_size) || spec.image_size < 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("StyleGAN image_size must be a power of two >= 4, got ", spec.image_size));
  }
  if (spec.image_channels < 1 || spec.latent_dim < 1 || spec.w_dim < 1 ||
      spec.mapping_layers < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "StyleGAN needs image_channels, latent_dim, w_dim and mapping_layers >= 1, got ",
        spec.image_channels, ", ", spec.latent_dim, ", ", spec.w_dim, ", ", spec.mapping_layers));
  }
  size_t resolutions = 0;
  for (int64_t r = 4; r <= spec.image_size; r *= 2) ++resolutions;
  if (spec.channels.size() != resolutions) {
    return absl::InvalidArgumentError(absl::StrCat(
        "StyleGAN at ", spec.image_size, "x", spec.image_size, " needs ", resolutions,
        " channel counts (one per resolution 4, 8, ..., ", spec.image_size, "), got ",
        spec.channels.size()));
  }
  for (int64_t c : spec.channels) {
    if (c < 1) {
      return absl::InvalidArgumentError(absl::StrCat("StyleGAN channel count ", c, " < 1"));
    }
  }
  if (!(spec.mapping_lr_multiplier > 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "StyleGAN mapping_lr_multiplier must be positive, got ", spec.mapping_lr_multiplier));
  }
  if (!(spec.style_mixing_probability >= 0 && spec.style_mixing_probability <= 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "StyleGAN style_mixing_probability must be in [0, 1], got ",
        spec.style_mixing_probability));
  }
  if (!(spec.w_average_decay >= 0 && spec.w_average_decay < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "StyleGAN w_average_decay must be in [0, 1), got ", spec.w_average_decay));
  }
  return absl::OkStatus();
}

StyleGanMappingImpl::StyleGanMappingImpl(StyleGanMappingOptions options_)
    : options(std::move(options_)) {
  reset();
}

void StyleGanMappingImpl::reset() {
  TORCH_CHECK(options.latent_dim() > 0 && options.w_dim() > 0 && options.layers() > 0,
              "StyleGanMapping: latent_dim, w_dim and layers must be positive");
  fc.clear();
  for (int64_t i = 0; i < options.layers(); ++i) {
    const int64_t in = i == 0 ? options.latent_dim() : options.w_dim();
    fc.push_back(register_module(
        absl::StrCat("fc", i),
        EqualizedLinear(EqualizedLinearOptions(in, options.w_dim())
                            .lr_multiplier(options.lr_multiplier()))));
  }
}

torch::Tensor StyleGanMappingImpl::forward(const torch::Tensor& z) {
  TORCH_CHECK(z.dim() == 2 && z.size(1) == options.latent_dim(), "StyleGanMapping expects z [N, ",
              options.latent_dim(), "], got ", z.sizes());
  torch::Tensor x = PixelNorm(z);
  for (EqualizedLinear& layer : fc) x = torch::leaky_relu(layer(x), kLeakySlope);
  return x;
}

StyleGanLayerImpl::StyleGanLayerImpl(StyleGanLayerOptions options_)
    : options(std::move(options_)) {
  reset();
}

void StyleGanLayerImpl::reset() {
  const int64_t out = options.out_channels();
  TORCH_CHECK(options.conv() || options.in_channels() == out,
              "StyleGanLayer without a convolution needs in_channels == out_channels, got ",
              options.in_channels(), " and ", out);
  if (options.conv()) {
    // The bias is added after the noise, as in StyleGAN.
    conv = register_module(
        "conv", EqualizedConv2d(EqualizedConv2dOptions(options.in_channels(), out, 3).bias(false)));
  }
  noise = register_module("noise", NoiseInjection(out));
  bias = register_parameter("bias", torch::zeros({out}));
  adain = register_module("adain",
                          AdaptiveInstanceNorm(AdaptiveInstanceNormOptions(out, options.w_dim())));
}

torch::Tensor StyleGanLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& w,
                                         const torch::Tensor& noise_image) {
  TORCH_CHECK(x.dim() == 4 && x.size(1) == options.in_channels(), "StyleGanLayer expects x [N, ",
              options.in_channels(), ", H, W], got ", x.sizes());
  torch::Tensor h = x;
  if (options.upsample()) {
    h = torch::nn::functional::interpolate(h, torch::nn::functional::InterpolateFuncOptions()
                                                  .scale_factor(std::vector<double>{2.0, 2.0})
                                                  .mode(torch::kNearest));
  }
  if (options.conv()) h = conv(h);
  h = noise(h, noise_image) + bias.view({1, -1, 1, 1});
  return adain(torch::leaky_relu(h, kLeakySlope), w);
}

StyleGanGenerator::StyleGanGenerator(const StyleGanSpec& spec) : spec_(spec) {
  const absl::Status valid = ValidateStyleGanSpec(spec);
  TORCH_CHECK(valid.ok(), std::string(valid.message()));
  mapping_ = register_module(
      "mapping", StyleGanMapping(StyleGanMappingOptions(spec.latent_dim, spec.w_dim)
                                     .layers(spec.mapping_layers)
                                     .lr_multiplier(spec.mapping_lr_multiplier)));
  const_input_ = register_parameter("const_input", torch::ones({1, spec.channels[0], 4, 4}));
  int64_t in = spec.channels[0];
  for (size_t r = 0; r < spec.channels.size(); ++r) {
    const int64_t out = spec.channels[r];
    const bool first_resolution = r == 0;  // the constant needs no upsampling or conv
    layers_.push_back(register_module(
        absl::StrCat("layer", 2 * r),
        StyleGanLayer(StyleGanLayerOptions(in, out, spec.w_dim)
                          .conv(!first_resolution)
                          .upsample(!first_resolution))));
    layers_.push_back(register_module(absl::StrCat("layer", 2 * r + 1),
                                      StyleGanLayer(StyleGanLayerOptions(out, out, spec.w_dim))));
    in = out;
  }
  to_rgb_ = register_module(
      "to_rgb", EqualizedConv2d(EqualizedConv2dOptions(in, spec.image_channels, 1).gain(1.0)));
  w_average_ = register_buffer("w_average", torch::zeros({spec.w_dim}));
}

torch::Tensor StyleGanGenerator::Map(const torch::Tensor& z) { return mapping_(z); }

torch::Tensor StyleGanGenerator::Synthesize(const torch::Tensor& ws,
                                            const std::vector<torch::Tensor>& noise) {
  const int64_t layers = num_style_layers();
  TORCH_CHECK(ws.dim() == 3 && ws.size(1) == layers && ws.size(2) == spec_.w_dim,
              "StyleGanGenerator::Synthesize expects ws [N, ", layers, ", ", spec_.w_dim,
              "], got ", ws.sizes());
  TORCH_CHECK(noise.empty() || static_cast<int64_t>(noise.size()) == layers,
              "StyleGanGenerator::Synthesize expects no noise or ", layers,
              " noise tensors (one per style layer), got ", noise.size());
  torch::Tensor x = const_input_.expand({ws.size(0), -1, -1, -1});
  for (int64_t i = 0; i < layers; ++i) {
    x = layers_[i](x, ws.select(1, i), noise.empty() ? torch::Tensor() : noise[i]);
  }
  // StyleGAN's to_rgb output is linear; tanh keeps images in [-1, 1] as GeneratorModule
  // promises (and as the toolkit's data is scaled).
  return torch::tanh(to_rgb_(x));
}

std::vector<torch::Tensor> StyleGanGenerator::SampleNoise(int64_t n,
                                                          const torch::Device& device) const {
  std::vector<torch::Tensor> noise;
  for (int64_t i = 0; i < num_style_layers(); ++i) {
    const int64_t r = LayerResolution(i);
    noise.push_back(torch::randn({n, 1, r, r}, torch::TensorOptions().device(device)));
  }
  return noise;
}

torch::Tensor StyleGanGenerator::MixStyles(const torch::Tensor& w, const torch::Tensor& w2,
                                           int64_t crossover) const {
  TORCH_CHECK(w.dim() == 2 && w.size(1) == spec_.w_dim && w2.sizes() == w.sizes(),
              "StyleGanGenerator::MixStyles expects w and w2 [N, ", spec_.w_dim, "], got ",
              w.sizes(), " and ", w2.sizes());
  const int64_t layers = num_style_layers();
  TORCH_CHECK(crossover >= 0 && crossover <= layers, "StyleGanGenerator::MixStyles: crossover ",
              crossover, " is not in [0, ", layers, "]");
  return gan::MixStyles(w, w2, crossover, layers);
}

torch::Tensor StyleGanGenerator::TruncateStyles(const torch::Tensor& ws, double psi,
                                                int64_t cutoff) const {
  const int64_t layers = num_style_layers();
  TORCH_CHECK(ws.dim() == 3 && ws.size(1) == layers && ws.size(2) == spec_.w_dim,
              "StyleGanGenerator::TruncateStyles expects ws [N, ", layers, ", ", spec_.w_dim,
              "], got ", ws.sizes());
  return gan::TruncateStyles(ws, w_average_, psi, cutoff);
}

void StyleGanGenerator::set_truncation(double psi, int64_t cutoff) {
  TORCH_CHECK(cutoff >= -1, "StyleGanGenerator: truncation cutoff must be -1 (all layers) or a "
              "layer count >= 0, got ", cutoff);
  truncation_psi_ = psi;
  truncation_cutoff_ = cutoff;
}

torch::Tensor StyleGanGenerator::forward(const torch::Tensor& z, const torch::Tensor& labels) {
  return Synthesize(Styles(z, labels));
}

torch::Tensor StyleGanGenerator::Styles(const torch::Tensor& z, const torch::Tensor& labels) {
  TORCH_CHECK(!labels.defined(),
              "StyleGanGenerator is unconditional (num_classes() == 0) and takes no labels");
  TORCH_CHECK(z.dim() == 2 && z.size(1) == spec_.latent_dim, "StyleGanGenerator: expected z [N, ",
              spec_.latent_dim, "], got ", z.sizes());
  StyleSettings settings;
  settings.w_average_decay = spec_.w_average_decay;
  settings.mixing_probability = spec_.style_mixing_probability;
  settings.truncation_psi = truncation_psi_;
  settings.truncation_cutoff = truncation_cutoff_;
  return BatchStyles(Map(z), num_style_layers(), is_training(), w_average_, settings,
                     [&] { return Map(SampleLatent(z.size(0), z.device()).to(z.dtype())); });
}

}  // namespace gan
