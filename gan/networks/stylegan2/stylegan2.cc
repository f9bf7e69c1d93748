#include "gan/networks/stylegan2/stylegan2.h"

#include <cmath>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gan/nn/fir_resample.h"
#include "gan/nn/minibatch_stddev.h"
#include "gan/nn/pixel_norm.h"

namespace gan {
namespace {

// StyleGAN2's activation: leaky ReLU 0.2 times sqrt(2), which keeps the signal's scale.
torch::Tensor LeakyReluGain(const torch::Tensor& x) {
  return torch::leaky_relu(x, 0.2) * std::sqrt(2.0);
}

EqualizedConv2d Conv(int64_t in, int64_t out, int64_t kernel, bool bias = true) {
  return EqualizedConv2d(EqualizedConv2dOptions(in, out, kernel).gain(1.0).bias(bias));
}

EqualizedLinear Dense(int64_t in, int64_t out) {
  return EqualizedLinear(EqualizedLinearOptions(in, out).gain(1.0));
}

// A 3x3 equalized conv that halves the size: the low-pass filter, then stride 2 (the
// reference's padding: 2 each side for a 4-tap filter before a 3x3 kernel).
torch::Tensor DownConv(EqualizedConv2d& conv, const torch::Tensor& x) {
  const torch::Tensor blurred = Upfirdn2d(x, LowPassFilter(x), 1, 1, 2, 2);
  return torch::conv2d(blurred, conv->weight * conv->weight_scale(), conv->bias, /*stride=*/2);
}

torch::Tensor OneHot(const torch::Tensor& labels, int64_t classes, const torch::Tensor& like) {
  return torch::one_hot(labels, classes).to(like.dtype());
}

}  // namespace

absl::StatusOr<StyleGan2Spec> StyleGan2SpecFor(int64_t image_size, int64_t image_channels,
                                               int64_t width, int64_t latent_dim) {
  absl::StatusOr<StyleGanSpec> style = StyleGanSpecFor(image_size, image_channels, width, latent_dim);
  if (!style.ok()) return style.status();
  StyleGan2Spec spec;
  spec.style = *style;
  return spec;
}

absl::Status ValidateStyleGan2Spec(const StyleGan2Spec& spec) {
  const absl::Status style = ValidateStyleGanSpec(spec.style);
  if (!style.ok()) return style;
  if (spec.num_classes < 0 || spec.minibatch_group_size < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "StyleGAN2 needs num_classes >= 0 and minibatch_group_size >= 1, got ", spec.num_classes,
        " and ", spec.minibatch_group_size));
  }
  return absl::OkStatus();
}

StyleGan2LayerImpl::StyleGan2LayerImpl(int64_t in_channels, int64_t out_channels, int64_t w_dim,
                                       bool upsample)
    : in_channels(in_channels), out_channels(out_channels), w_dim(w_dim), upsample(upsample) {
  reset();
}

void StyleGan2LayerImpl::reset() {
  conv = register_module(
      "conv", ModulatedConv2d(ModulatedConv2dOptions(in_channels, out_channels, 3, w_dim).upsample(upsample)));
  noise_strength = register_parameter("noise_strength", torch::zeros({}));
  bias = register_parameter("bias", torch::zeros({out_channels}));
}

torch::Tensor StyleGan2LayerImpl::forward(const torch::Tensor& x, const torch::Tensor& w,
                                          const torch::Tensor& noise) {
  const torch::Tensor h = conv(x, w);
  const torch::Tensor n =
      noise.defined() ? noise : torch::randn({h.size(0), 1, h.size(2), h.size(3)}, h.options());
  return LeakyReluGain(h + noise_strength * n + bias.view({1, -1, 1, 1}));
}

StyleGan2Generator::StyleGan2Generator(const StyleGan2Spec& spec) : spec_(spec) {
  const absl::Status valid = ValidateStyleGan2Spec(spec);
  TORCH_CHECK(valid.ok(), std::string(valid.message()));
  const StyleGanSpec& s = spec.style;
  const bool conditional = spec.num_classes > 0;
  mapping_ = register_module(
      "mapping", StyleGanMapping(StyleGanMappingOptions(s.latent_dim + (conditional ? s.w_dim : 0), s.w_dim)
                                     .layers(s.mapping_layers)
                                     .lr_multiplier(s.mapping_lr_multiplier)));
  if (conditional) embed_ = register_module("embed", Dense(spec.num_classes, s.w_dim));
  const_input_ = register_parameter("const_input", torch::randn({1, s.channels[0], 4, 4}));
  layers_.push_back(register_module("layer0", StyleGan2Layer(s.channels[0], s.channels[0], s.w_dim, false)));
  for (size_t r = 1; r < s.channels.size(); ++r) {
    const int64_t layer = static_cast<int64_t>(layers_.size());
    layers_.push_back(register_module(absl::StrCat("layer", layer),
                                      StyleGan2Layer(s.channels[r - 1], s.channels[r], s.w_dim, true)));
    layers_.push_back(register_module(absl::StrCat("layer", layer + 1),
                                      StyleGan2Layer(s.channels[r], s.channels[r], s.w_dim, false)));
  }
  for (size_t r = 0; r < s.channels.size(); ++r) {
    to_rgb_.push_back(register_module(
        absl::StrCat("to_rgb", r),
        ModulatedConv2d(ModulatedConv2dOptions(s.channels[r], s.image_channels, 1, s.w_dim).demodulate(false))));
    to_rgb_bias_.push_back(register_parameter(absl::StrCat("to_rgb_bias", r), torch::zeros({s.image_channels})));
  }
  w_average_ = register_buffer("w_average", torch::zeros({s.w_dim}));
  settings_.w_average_decay = s.w_average_decay;
  settings_.mixing_probability = s.style_mixing_probability;
}

torch::Tensor StyleGan2Generator::Map(const torch::Tensor& z, const torch::Tensor& labels) {
  const StyleGanSpec& s = spec_.style;
  TORCH_CHECK(z.dim() == 2 && z.size(1) == s.latent_dim, "StyleGan2Generator: expected z [N, ",
              s.latent_dim, "], got ", z.sizes());
  if (spec_.num_classes == 0) {
    TORCH_CHECK(!labels.defined(), "StyleGan2Generator is unconditional and takes no labels");
    return mapping_(z);
  }
  TORCH_CHECK(labels.defined() && labels.dim() == 1 && labels.size(0) == z.size(0),
              "StyleGan2Generator is class-conditional and needs labels [", z.size(0), "]");
  // Each part normalized on its own; the mapping's own normalization then changes nothing.
  const torch::Tensor embedded = embed_(OneHot(labels, spec_.num_classes, z));
  return mapping_(torch::cat({PixelNorm(z), PixelNorm(embedded)}, 1));
}

torch::Tensor StyleGan2Generator::Synthesize(const torch::Tensor& ws,
                                             const std::vector<torch::Tensor>& noise) {
  const int64_t layers = static_cast<int64_t>(layers_.size());
  TORCH_CHECK(ws.dim() == 3 && ws.size(1) == num_ws() && ws.size(2) == spec_.style.w_dim,
              "StyleGan2Generator::Synthesize expects ws [N, ", num_ws(), ", ", spec_.style.w_dim,
              "], got ", ws.sizes());
  TORCH_CHECK(noise.empty() || static_cast<int64_t>(noise.size()) == layers,
              "StyleGan2Generator::Synthesize expects no noise or ", layers,
              " noise tensors (one per conv layer), got ", noise.size());
  const auto layer = [&](int64_t i, const torch::Tensor& x) {
    return layers_[i](x, ws.select(1, i), noise.empty() ? torch::Tensor() : noise[i]);
  };
  const auto to_rgb = [&](size_t r, const torch::Tensor& x, int64_t w_index) {
    return to_rgb_[r](x, ws.select(1, w_index)) + to_rgb_bias_[r].view({1, -1, 1, 1});
  };
  torch::Tensor x = layer(0, const_input_.expand({ws.size(0), -1, -1, -1}));
  torch::Tensor image = to_rgb(0, x, 1);
  for (size_t r = 1; r < to_rgb_.size(); ++r) {
    const int64_t first = 2 * static_cast<int64_t>(r) - 1;
    x = layer(first + 1, layer(first, x));
    image = UpsampleFir2x(image) + to_rgb(r, x, first + 2);
  }
  return torch::tanh(image);
}

std::vector<torch::Tensor> StyleGan2Generator::SampleNoise(int64_t n, const torch::Device& device) const {
  std::vector<torch::Tensor> noise;
  for (size_t i = 0; i < layers_.size(); ++i) {
    const int64_t side = int64_t{4} << ((i + 1) / 2);  // layer 0 at 4x4, then two per resolution
    noise.push_back(torch::randn({n, 1, side, side}, torch::TensorOptions().device(device)));
  }
  return noise;
}

void StyleGan2Generator::set_truncation(double psi, int64_t cutoff) {
  TORCH_CHECK(cutoff >= -1, "StyleGan2Generator: truncation cutoff must be -1 (all inputs) or a "
              "count >= 0, got ", cutoff);
  settings_.truncation_psi = psi;
  settings_.truncation_cutoff = cutoff;
}

torch::Tensor StyleGan2Generator::Styles(const torch::Tensor& z, const torch::Tensor& labels) {
  return BatchStyles(Map(z, labels), num_ws(), is_training(), w_average_, settings_, [&] {
    return Map(SampleLatent(z.size(0), z.device()).to(z.dtype()), labels);
  });
}

torch::Tensor StyleGan2Generator::forward(const torch::Tensor& z, const torch::Tensor& labels) {
  return Synthesize(Styles(z, labels));
}

StyleGan2Discriminator::StyleGan2Discriminator(const StyleGan2Spec& spec) : spec_(spec) {
  const absl::Status valid = ValidateStyleGan2Spec(spec);
  TORCH_CHECK(valid.ok(), std::string(valid.message()));
  const std::vector<int64_t>& channels = spec.style.channels;
  const size_t top = channels.size() - 1;
  from_rgb_ = register_module("from_rgb", Conv(spec.style.image_channels, channels[top], 1));
  for (size_t r = top; r >= 1; --r) {
    const int64_t in = channels[r], out = channels[r - 1];
    Block block;
    const std::string name = absl::StrCat("block", top - r);
    block.conv0 = register_module(name + "_conv0", Conv(in, in, 3));
    block.conv1 = register_module(name + "_conv1", Conv(in, out, 3));
    block.skip = register_module(name + "_skip", Conv(in, out, 1, /*bias=*/false));
    blocks_.push_back(block);
  }
  const int64_t c4 = channels[0];
  epilogue_conv_ = register_module("epilogue_conv", Conv(c4 + 1, c4, 3));
  epilogue_fc_ = register_module("epilogue_fc", Dense(c4 * 16, c4));
  const bool conditional = spec.num_classes > 0;
  cmap_dim_ = conditional ? c4 : 0;
  out_ = register_module("out", Dense(c4, conditional ? cmap_dim_ : 1));
  if (conditional) {
    embed_ = register_module("embed", Dense(spec.num_classes, cmap_dim_));
    cmap_mapping_ = register_module(
        "cmap_mapping", StyleGanMapping(StyleGanMappingOptions(cmap_dim_, cmap_dim_)
                                            .layers(spec.style.mapping_layers)
                                            .lr_multiplier(spec.style.mapping_lr_multiplier)));
  }
}

torch::Tensor StyleGan2Discriminator::features(const torch::Tensor& images, const torch::Tensor& labels) {
  const int64_t size = spec_.style.image_size;
  TORCH_CHECK(images.dim() == 4 && images.size(1) == spec_.style.image_channels &&
                  images.size(2) == size && images.size(3) == size,
              "StyleGan2Discriminator: expected images [N, ", spec_.style.image_channels, ", ", size,
              ", ", size, "], got ", images.sizes());
  TORCH_CHECK(labels.defined() == (spec_.num_classes > 0),
              spec_.num_classes > 0 ? "StyleGan2Discriminator is class-conditional and needs labels"
                                    : "StyleGan2Discriminator is unconditional and takes no labels");
  torch::Tensor h = LeakyReluGain(from_rgb_(images));
  const double half = std::sqrt(0.5);
  for (Block& block : blocks_) {
    const torch::Tensor skip = block.skip(DownsampleFir2x(h));
    const torch::Tensor main = LeakyReluGain(DownConv(block.conv1, LeakyReluGain(block.conv0(h))));
    h = (skip + main) * half;
  }
  h = MinibatchStdDev(h, spec_.minibatch_group_size);
  h = LeakyReluGain(epilogue_conv_(h));
  return LeakyReluGain(epilogue_fc_(h.flatten(1)));
}

torch::Tensor StyleGan2Discriminator::forward(const torch::Tensor& images, const torch::Tensor& labels) {
  const torch::Tensor out = out_(features(images, labels));
  if (spec_.num_classes == 0) return out.view({images.size(0)});
  const torch::Tensor cmap = cmap_mapping_(embed_(OneHot(labels, spec_.num_classes, out)));
  return (out * cmap).sum(1) / std::sqrt(static_cast<double>(cmap_dim_));
}

std::vector<std::vector<torch::Tensor>> StyleGan2Discriminator::block_parameters() {
  std::vector<std::vector<torch::Tensor>> blocks;
  for (size_t b = 0; b < blocks_.size(); ++b) {
    std::vector<torch::Tensor> params;
    if (b == 0) params = from_rgb_->parameters();
    for (auto* conv : {&blocks_[b].conv0, &blocks_[b].conv1, &blocks_[b].skip}) {
      for (const torch::Tensor& p : (*conv)->parameters()) params.push_back(p);
    }
    blocks.push_back(params);
  }
  std::vector<torch::Tensor> epilogue;
  for (const auto& item : named_parameters()) {
    const std::string& name = item.key();
    if (name.rfind("block", 0) != 0 && name.rfind("from_rgb", 0) != 0) epilogue.push_back(item.value());
  }
  blocks.push_back(epilogue);
  return blocks;
}

}  // namespace gan
