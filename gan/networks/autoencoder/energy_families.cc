// The energy-based network families: a DCGAN generator against an autoencoder
// discriminator, from a model section such as
//   "model": {"family": "ebgan", "variant": "standard", "width": 32, "latent_dim": 100,
//             "code_dim": 64, "d_batch_norm": true}
//   ebgan: the autoencoder with BatchNorm (d_batch_norm) and LeakyReLU, as EBGAN's;
//   began: with ELUs and no BatchNorm, as BEGAN's.
// Their losses (loss "ebgan" or "began") train the autoencoder's reconstruction error.
#include <memory>
#include <utility>

#include "gan/networks/autoencoder/autoencoder_discriminator.h"
#include "gan/networks/dcgan/dcgan_family.h"
#include "gan/networks/family.h"

namespace gan {
namespace {

class EnergyFamily : public NetworkFamily {
 public:
  EnergyFamily(DcganSettings generator, AutoencoderOptions autoencoder)
      : generator_(std::move(generator)), autoencoder_(autoencoder) {}

  absl::StatusOr<Networks> Build(const ImageShape& shape) const override {
    absl::StatusOr<DcganSpec> spec = DcganSpecFor(generator_, shape);
    if (!spec.ok()) return spec.status();
    AutoencoderOptions options = autoencoder_;
    options.image_size = shape.size;
    options.image_channels = shape.channels;
    const absl::Status valid = ValidateAutoencoderOptions(options);
    if (!valid.ok()) return valid;
    Networks networks;
    networks.generator = MakeDcganGenerator(*spec);
    networks.autoencoder = std::make_shared<AutoencoderDiscriminator>(options);
    return networks;
  }

  absl::StatusOr<Generator> BuildGenerator(const ImageShape& shape) const override {
    absl::StatusOr<DcganSpec> spec = DcganSpecFor(generator_, shape);
    if (!spec.ok()) return spec.status();
    return Generator(MakeDcganGenerator(*spec));
  }

 private:
  DcganSettings generator_;
  AutoencoderOptions autoencoder_;  // without the image shape
};

// `elu`: BEGAN's autoencoder (ELUs, no BatchNorm); else EBGAN's.
absl::StatusOr<std::unique_ptr<NetworkFamily>> ReadEnergyFamily(ConfigReader& model, bool elu) {
  DcganSettings generator = ReadDcganSettings(model);
  AutoencoderOptions autoencoder;
  autoencoder.width = generator.width;
  autoencoder.code_dim = 64;
  model.Read("code_dim", &autoencoder.code_dim);
  RequirePositive(model, "code_dim", autoencoder.code_dim);
  autoencoder.elu = elu;
  autoencoder.batch_norm = !elu;
  if (!elu) model.Read("d_batch_norm", &autoencoder.batch_norm);
  return std::make_unique<EnergyFamily>(std::move(generator), autoencoder);
}

GAN_REGISTER_NETWORK_FAMILY("ebgan",
                            [](ConfigReader& model) { return ReadEnergyFamily(model, false); });
GAN_REGISTER_NETWORK_FAMILY("began",
                            [](ConfigReader& model) { return ReadEnergyFamily(model, true); });

}  // namespace
}  // namespace gan
