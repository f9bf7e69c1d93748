// Builds the networks an experiment config names, for data of a given image size and
// channel count. Each network family adds its branch here.
#ifndef GAN_EXPERIMENTS_NETWORK_FACTORY_H_
#define GAN_EXPERIMENTS_NETWORK_FACTORY_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "gan/experiments/experiment_config.h"
#include "gan/networks/autoencoder/autoencoder_discriminator.h"
#include "gan/networks/gan_modules.h"

namespace gan {

struct Networks {
  Generator generator;
  Discriminator discriminator;  // logit discriminators (dcgan)
  std::shared_ptr<AutoencoderDiscriminator> autoencoder;  // energy-based (ebgan, began)
  Generator ema_generator;  // a second G for the weight average, when train.ema_decay > 0
};

// Unsupported families, variants or image sizes are errors that say what is supported.
absl::StatusOr<Networks> MakeNetworks(const ModelConfig& model, int64_t image_size,
                                      int64_t image_channels);

// A generator alone (for sampling from checkpoints and for EMA shadows).
absl::StatusOr<Generator> MakeGenerator(const ModelConfig& model, int64_t image_size,
                                        int64_t image_channels);

}  // namespace gan

#endif  // GAN_EXPERIMENTS_NETWORK_FACTORY_H_
