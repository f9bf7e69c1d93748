#include "gan/experiments/network_factory.h"

#include "absl/strings/str_cat.h"
#include "gan/networks/dcgan/dcgan.h"
#include "gan/networks/heads/discriminator_head.h"
#include "gan/networks/progressive/progressive.h"
#include "gan/networks/resnet/resnet.h"
#include "gan/networks/stylegan/stylegan.h"

namespace gan {

namespace {

absl::StatusOr<Networks> MakeResnetNetworks(const ModelConfig& model, int64_t image_size,
                                            int64_t image_channels) {
  absl::StatusOr<ResnetSpec> spec = ResnetSpecByName(model.family, image_size, image_channels,
                                                     model.width, model.latent_dim);
  if (!spec.ok()) return spec.status();
  spec->num_classes = model.num_classes;
  ParseHeadKind(model.head, &spec->head);  // validated with the config
  spec->embedding_dim = model.embedding_dim;
  spec->shared_embedding_dim = model.shared_embedding_dim;
  if (model.attention_resolution >= 0) {
    spec->g_attention_resolution = model.attention_resolution;
    spec->d_attention_resolution = model.attention_resolution;
  }
  const absl::Status valid = ValidateResnetSpec(*spec);
  if (!valid.ok()) return valid;
  Networks networks;
  networks.generator = std::make_shared<ResnetGenerator>(*spec);
  networks.discriminator = std::make_shared<ResnetDiscriminator>(*spec);
  return networks;
}

// pggan: PGGAN's G and D (the updater grows them). stylegan: StyleGAN's G against the
// PGGAN discriminator at its full-resolution phase, as StyleGAN v1 trained it.
absl::StatusOr<Networks> MakeStyleOrProgressiveNetworks(const ModelConfig& model,
                                                        int64_t image_size,
                                                        int64_t image_channels) {
  if (model.num_classes > 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model.family '", model.family, "' is unconditional: set model.num_classes to 0"));
  }
  absl::StatusOr<ProgressiveSpec> progressive =
      ProgressiveSpecFor(image_size, image_channels, model.width, model.latent_dim);
  if (!progressive.ok()) return progressive.status();
  Networks networks;
  networks.discriminator = std::make_shared<ProgressiveDiscriminator>(*progressive);
  if (model.family == "pggan") {
    networks.generator = std::make_shared<ProgressiveGenerator>(*progressive);
    return networks;
  }
  absl::StatusOr<StyleGanSpec> style =
      StyleGanSpecFor(image_size, image_channels, model.width, model.latent_dim);
  if (!style.ok()) return style.status();
  style->mapping_layers = model.mapping_layers;
  style->style_mixing_probability = model.style_mixing_probability;
  const absl::Status valid = ValidateStyleGanSpec(*style);
  if (!valid.ok()) return valid;
  networks.generator = std::make_shared<StyleGanGenerator>(*style);
  return networks;
}

}  // namespace

absl::StatusOr<Generator> MakeGenerator(const ModelConfig& model, int64_t image_size,
                                        int64_t image_channels) {
  absl::StatusOr<Networks> networks = MakeNetworks(model, image_size, image_channels);
  if (!networks.ok()) return networks.status();
  return networks->generator;
}

absl::StatusOr<Networks> MakeNetworks(const ModelConfig& model, int64_t image_size,
                                      int64_t image_channels) {
  if (model.family == "resnet" || model.family == "sagan" || model.family == "biggan") {
    return MakeResnetNetworks(model, image_size, image_channels);
  }
  if (model.family == "stylegan" || model.family == "pggan") {
    return MakeStyleOrProgressiveNetworks(model, image_size, image_channels);
  }
  const bool energy_based = model.family == "ebgan" || model.family == "began";
  if (model.family != "dcgan" && !energy_based) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model.family '", model.family,
        "' is not one of: dcgan, ebgan, began, resnet, sagan, biggan, stylegan, pggan"));
  }
  absl::StatusOr<DcganSpec> spec = DcganSpecByName(model.variant, image_size, image_channels,
                                                   model.width, model.latent_dim);
  if (!spec.ok()) return spec.status();
  spec->init_std = model.init_std;
  for (auto& layer : spec->discriminator.layers) layer.batch_norm &= model.d_batch_norm;
  spec->discriminator.minibatch_kernels = model.minibatch_kernels;
  spec->discriminator.minibatch_kernel_dim = model.minibatch_kernel_dim;

  Networks networks;
  networks.generator = MakeDcganGenerator(*spec);
  if (!energy_based) {
    networks.discriminator = MakeDcganDiscriminator(*spec);
    return networks;
  }
  AutoencoderOptions options;
  options.image_size = image_size;
  options.image_channels = image_channels;
  options.width = model.width;
  options.code_dim = model.code_dim;
  // BEGAN's autoencoder uses ELUs and no BatchNorm; EBGAN's uses both as DCGAN does.
  options.elu = model.family == "began";
  options.batch_norm = !options.elu && model.d_batch_norm;
  const absl::Status valid = ValidateAutoencoderOptions(options);
  if (!valid.ok()) return valid;
  networks.autoencoder = std::make_shared<AutoencoderDiscriminator>(options);
  return networks;
}

}  // namespace gan
