// The autoencoder discriminator of energy-based GANs (EBGAN, BEGAN): the energy of an
// image is how badly D reconstructs it. Conv encoder (stride-2 4x4 convs down to 4x4,
// then a linear map to a code) and a mirrored decoder with an identity output layer
// (tanh or sigmoid outputs saturate and destabilize EBGAN).
//
//   auto d = std::make_shared<gan::AutoencoderDiscriminator>(
//       gan::AutoencoderOptions{.image_size = 32, .image_channels = 1});
//   torch::Tensor code = d->Encode(images);          // [N, code_dim]
//   torch::Tensor reconstruction = d->Decode(code);  // [N, C, H, W]
#ifndef GAN_NETWORKS_AUTOENCODER_AUTOENCODER_DISCRIMINATOR_H_
#define GAN_NETWORKS_AUTOENCODER_AUTOENCODER_DISCRIMINATOR_H_

#include <cstdint>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/types.h>

#include "absl/status/status.h"
#include "gan/networks/gan_modules.h"

namespace gan {

struct AutoencoderOptions {
  int64_t image_size = 32;  // 32 or 64
  int64_t image_channels = 1;
  int64_t width = 32;       // channels of the first conv; doubled per halving
  int64_t code_dim = 64;
  bool batch_norm = true;   // EBGAN uses BatchNorm; BEGAN's paper uses none
  bool elu = false;         // ELU (BEGAN) instead of LeakyReLU(0.2)
};

absl::Status ValidateAutoencoderOptions(const AutoencoderOptions& options);

class AutoencoderDiscriminator : public AutoencoderModule {
 public:
  explicit AutoencoderDiscriminator(const AutoencoderOptions& options);
  torch::Tensor Encode(const torch::Tensor& images) override;
  torch::Tensor Decode(const torch::Tensor& code) override;
  const AutoencoderOptions& options() const { return options_; }

 private:
  AutoencoderOptions options_;
  int64_t bottom_channels_ = 0;
  torch::nn::Sequential encoder_{nullptr};
  torch::nn::Linear to_code_{nullptr};
  torch::nn::Linear from_code_{nullptr};
  torch::nn::Sequential decoder_{nullptr};
};

}  // namespace gan

#endif  // GAN_NETWORKS_AUTOENCODER_AUTOENCODER_DISCRIMINATOR_H_
