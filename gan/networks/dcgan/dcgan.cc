#include "gan/networks/dcgan/dcgan.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "gan/nn/batch_norm.h"
#include "gan/nn/minibatch_discrimination.h"

namespace gan {
namespace {

// N(0, std) on conv weights, as DCGAN (Radford et al. 2016) initializes them.
void InitConvWeights(torch::nn::Module& module, double std) {
  if (std <= 0) return;
  torch::NoGradGuard no_grad;
  for (auto& child : module.modules(/*include_self=*/false)) {
    if (auto* conv = child->as<torch::nn::Conv2d>()) conv->weight.normal_(0.0, std);
    if (auto* deconv = child->as<torch::nn::ConvTranspose2d>()) deconv->weight.normal_(0.0, std);
  }
}

}  // namespace

DcganSpec Stl10DcganSpec() {
  DcganSpec spec;
  spec.image_size = 96;
  spec.image_channels = 3;
  spec.generator.latent_dim = 128;
  spec.generator.bias = true;
  spec.generator.layers = {{256, 6, 1, 0}, {128, 2, 2, 0}, {64, 2, 2, 0}, {32, 2, 2, 0}, {3, 2, 2, 0}};
  spec.discriminator.image_channels = 3;
  spec.discriminator.bias = true;
  int64_t pool = 0;
  for (int64_t channels : {32, 64, 128, 256, 512}) {
    spec.discriminator.layers.push_back({{channels, 3, 1, 1}, true, pool});
    pool = 2;
  }
  spec.discriminator.head_avg_pool = 6;
  spec.discriminator.head = {1, 1, 1, 0};
  return spec;
}

DcganSpec LibtorchExampleDcganSpec() {
  DcganSpec spec;
  spec.image_size = 28;
  spec.image_channels = 1;
  spec.generator.latent_dim = 100;
  spec.generator.layers = {{256, 4, 1, 0}, {128, 3, 2, 1}, {64, 4, 2, 1}, {1, 4, 2, 1}};
  spec.discriminator.image_channels = 1;
  spec.discriminator.layers = {
      {{64, 4, 2, 1}, false, 0}, {{128, 4, 2, 1}, true, 0}, {{256, 4, 2, 1}, true, 0}};
  spec.discriminator.head = {1, 3, 1, 0};
  return spec;
}

DcganSpec StandardDcganSpec(int64_t image_size, int64_t image_channels, int64_t width,
                            int64_t latent_dim) {
  TORCH_CHECK(image_size == 32 || image_size == 64,
              "StandardDcganSpec supports 32 or 64 pixels, got ", image_size);
  const int64_t doublings = image_size == 32 ? 3 : 4;  // 4x4 -> image_size
  DcganSpec spec;
  spec.image_size = image_size;
  spec.image_channels = image_channels;
  spec.generator.latent_dim = latent_dim;
  int64_t channels = width << (doublings - 1);
  spec.generator.layers.push_back({channels, 4, 1, 0});
  for (int64_t i = 1; i < doublings; ++i) {
    channels /= 2;
    spec.generator.layers.push_back({channels, 4, 2, 1});
  }
  spec.generator.layers.push_back({image_channels, 4, 2, 1});

  spec.discriminator.image_channels = image_channels;
  channels = width;
  for (int64_t i = 0; i < doublings; ++i) {
    spec.discriminator.layers.push_back({{channels, 4, 2, 1}, /*batch_norm=*/i > 0, 0});
    channels *= 2;
  }
  spec.discriminator.head = {1, 4, 1, 0};
  return spec;
}

absl::Status CheckDcganVariant(const std::string& variant) {
  if (variant == "standard" || variant == "stl10_96" || variant == "libtorch_example") {
    return absl::OkStatus();
  }
  if (variant == "seed000") {
    return absl::InvalidArgumentError(
        "'seed000' is now called 'stl10_96' (the same 96x96 STL-10 network): set it to "
        "'stl10_96'");
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "must be one of stl10_96, libtorch_example, standard, got '", variant, "'"));
}

absl::StatusOr<DcganSpec> DcganSpecByName(const std::string& variant, int64_t image_size,
                                          int64_t image_channels, int64_t width,
                                          int64_t latent_dim) {
  const absl::Status known = CheckDcganVariant(variant);
  if (!known.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("DCGAN variant ", known.message()));
  }
  DcganSpec spec;
  if (variant == "stl10_96") {
    spec = Stl10DcganSpec();
  } else if (variant == "libtorch_example") {
    spec = LibtorchExampleDcganSpec();
  } else {
    if (image_size != 32 && image_size != 64) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the standard DCGAN supports image sizes 32 and 64, got ", image_size,
          " (pad 28x28 data by 2 for 32)"));
    }
    if (width <= 0) width = 64;
    if (image_channels <= 0) image_channels = 3;
    return StandardDcganSpec(image_size, image_channels, width,
                             latent_dim > 0 ? latent_dim : 100);
  }
  if (image_size > 0 && image_size != spec.image_size) {
    return absl::InvalidArgumentError(absl::StrCat("DCGAN variant '", variant, "' makes ",
                                                   spec.image_size, "x", spec.image_size,
                                                   " images, but the data is ", image_size,
                                                   "x", image_size));
  }
  if (image_channels > 0 && image_channels != spec.image_channels) {
    // Only the channel count of the image layers changes.
    spec.image_channels = image_channels;
    spec.generator.layers.back().out_channels = image_channels;
    spec.discriminator.image_channels = image_channels;
  }
  if (latent_dim > 0) spec.generator.latent_dim = latent_dim;
  return spec;
}

DcganGenerator::DcganGenerator(const DcganGeneratorSpec& spec, int64_t image_size,
                               double init_std)
    : spec_(spec), image_size_(image_size) {
  TORCH_CHECK(!spec.layers.empty(), "DcganGenerator needs at least one layer");
  body_ = torch::nn::Sequential();
  int64_t in_channels = spec.latent_dim;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const ConvSpec& layer = spec.layers[i];
    body_->push_back(torch::nn::ConvTranspose2d(
        torch::nn::ConvTranspose2dOptions(in_channels, layer.out_channels, layer.kernel)
            .stride(layer.stride)
            .padding(layer.padding)
            .bias(spec.bias)));
    if (i + 1 < spec.layers.size()) {
      body_->push_back(BatchNorm(layer.out_channels));
      body_->push_back(torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true)));
    }
    in_channels = layer.out_channels;
  }
  body_->push_back(torch::nn::Tanh());
  register_module("body", body_);
  InitConvWeights(*this, init_std);
}

torch::Tensor DcganGenerator::forward(const torch::Tensor& z, const torch::Tensor& /*labels*/) {
  return body_->forward(z.view({z.size(0), z.size(1), 1, 1}));
}

DcganDiscriminator::DcganDiscriminator(const DcganDiscriminatorSpec& spec, int64_t image_size,
                                       double init_std) {
  features_ = torch::nn::Sequential();
  int64_t in_channels = spec.image_channels;
  for (const DcganDiscriminatorLayer& layer : spec.layers) {
    if (layer.avg_pool_before > 1) {
      features_->push_back(torch::nn::AvgPool2d(layer.avg_pool_before));
    }
    features_->push_back(torch::nn::Conv2d(
        torch::nn::Conv2dOptions(in_channels, layer.conv.out_channels, layer.conv.kernel)
            .stride(layer.conv.stride)
            .padding(layer.conv.padding)
            .bias(spec.bias)));
    if (layer.batch_norm) features_->push_back(BatchNorm(layer.conv.out_channels));
    features_->push_back(torch::nn::LeakyReLU(
        torch::nn::LeakyReLUOptions().negative_slope(0.2).inplace(true)));
    in_channels = layer.conv.out_channels;
  }
  if (spec.head_avg_pool > 1) features_->push_back(torch::nn::AvgPool2d(spec.head_avg_pool));
  register_module("features", features_);

  head_ = torch::nn::Sequential();
  if (spec.minibatch_kernels > 0) {
    // The flattened feature size follows from the image size; measure it once.
    torch::NoGradGuard no_grad;
    features_->eval();
    const int64_t flat =
        features_->forward(torch::zeros({1, spec.image_channels, image_size, image_size}))
            .numel();
    features_->train();
    head_->push_back(torch::nn::Flatten());
    head_->push_back(MinibatchDiscrimination(
        MinibatchDiscriminationOptions(flat, spec.minibatch_kernels, spec.minibatch_kernel_dim)
            .form(spec.minibatch_form)));
    head_->push_back(torch::nn::Linear(flat + spec.minibatch_kernels, 1));
  } else {
    head_->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, 1, spec.head.kernel)
                                           .stride(spec.head.stride)
                                           .padding(spec.head.padding)
                                           .bias(spec.bias)));
  }
  register_module("head", head_);
  InitConvWeights(*this, init_std);
}

torch::Tensor DcganDiscriminator::features(const torch::Tensor& images,
                                           const torch::Tensor& /*labels*/) {
  return features_->forward(images);
}

torch::Tensor DcganDiscriminator::forward(const torch::Tensor& images,
                                          const torch::Tensor& labels) {
  const torch::Tensor logits = head_->forward(features(images, labels));
  TORCH_CHECK(logits.numel() == images.size(0), "DcganDiscriminator: input ", images.sizes(),
              " does not reduce to one logit per image (got ", logits.sizes(), ")");
  return logits.view({images.size(0)});
}

std::vector<std::vector<torch::Tensor>> DcganDiscriminator::block_parameters() {
  std::vector<std::vector<torch::Tensor>> blocks;
  for (const auto& layer : features_->children()) {
    if (layer->as<torch::nn::Conv2d>() != nullptr) blocks.emplace_back();
    if (blocks.empty()) continue;
    for (const auto& p : layer->parameters()) blocks.back().push_back(p);
  }
  return blocks;
}

std::shared_ptr<DcganGenerator> MakeDcganGenerator(const DcganSpec& spec) {
  return std::make_shared<DcganGenerator>(spec.generator, spec.image_size, spec.init_std);
}

std::shared_ptr<DcganDiscriminator> MakeDcganDiscriminator(const DcganSpec& spec) {
  return std::make_shared<DcganDiscriminator>(spec.discriminator, spec.image_size, spec.init_std);
}

}  // namespace gan
