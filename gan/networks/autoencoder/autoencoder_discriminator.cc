#include "gan/networks/autoencoder/autoencoder_discriminator.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/conv.h>

#include "absl/strings/str_cat.h"

namespace gan {
namespace {

torch::nn::AnyModule Activation(bool elu) {
  if (elu) return torch::nn::AnyModule(torch::nn::ELU());
  return torch::nn::AnyModule(
      torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.2)));
}

int64_t Halvings(int64_t image_size) { return image_size == 64 ? 4 : 3; }

}  // namespace

absl::Status ValidateAutoencoderOptions(const AutoencoderOptions& options) {
  if (options.image_size != 32 && options.image_size != 64) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the autoencoder discriminator supports image sizes 32 and 64, got ",
        options.image_size, " (pad 28x28 data by 2 for 32)"));
  }
  if (options.width <= 0 || options.code_dim <= 0) {
    return absl::InvalidArgumentError("autoencoder width and code_dim must be positive");
  }
  return absl::OkStatus();
}

AutoencoderDiscriminator::AutoencoderDiscriminator(const AutoencoderOptions& options)
    : options_(options) {
  const absl::Status valid = ValidateAutoencoderOptions(options);
  TORCH_CHECK(valid.ok(), std::string(valid.message()));
  const int64_t halvings = Halvings(options.image_size);
  encoder_ = torch::nn::Sequential();
  int64_t channels = options.image_channels;
  for (int64_t i = 0; i < halvings; ++i) {
    const int64_t out = options.width << i;
    encoder_->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, out, 4).stride(2).padding(1)));
    if (options.batch_norm && i > 0) encoder_->push_back(torch::nn::BatchNorm2d(out));
    encoder_->push_back(Activation(options.elu));
    channels = out;
  }
  bottom_channels_ = channels;
  to_code_ = torch::nn::Linear(channels * 16, options.code_dim);
  from_code_ = torch::nn::Linear(options.code_dim, channels * 16);

  decoder_ = torch::nn::Sequential();
  for (int64_t i = halvings - 1; i >= 0; --i) {
    const int64_t out = i == 0 ? options.image_channels : options.width << (i - 1);
    decoder_->push_back(torch::nn::ConvTranspose2d(
        torch::nn::ConvTranspose2dOptions(channels, out, 4).stride(2).padding(1)));
    if (i > 0) {
      if (options.batch_norm) decoder_->push_back(torch::nn::BatchNorm2d(out));
      decoder_->push_back(Activation(options.elu));
    }
    channels = out;
  }
  register_module("encoder", encoder_);
  register_module("to_code", to_code_);
  register_module("from_code", from_code_);
  register_module("decoder", decoder_);
}

torch::Tensor AutoencoderDiscriminator::Encode(const torch::Tensor& images) {
  return to_code_(encoder_->forward(images).flatten(1));
}

torch::Tensor AutoencoderDiscriminator::Decode(const torch::Tensor& code) {
  return decoder_->forward(from_code_(code).view({code.size(0), bottom_channels_, 4, 4}));
}

}  // namespace gan
