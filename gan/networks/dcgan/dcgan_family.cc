#include "gan/networks/dcgan/dcgan_family.h"

#include <memory>
#include <string>
#include <utility>

namespace gan {
namespace {

// The discriminator's model keys beyond the shared DCGAN settings.
struct DcganDiscriminatorSettings {
  bool batch_norm = true;  // off for gradient penalties
  int64_t minibatch_kernels = 0;  // > 0: minibatch discrimination
  int64_t minibatch_kernel_dim = 5;
  // The authors' released code's form (its published results), not the paper's formula.
  MinibatchDiscriminationForm minibatch_form = MinibatchDiscriminationForm::kImprovedGan;
};

class DcganFamily : public NetworkFamily {
 public:
  DcganFamily(DcganSettings settings, DcganDiscriminatorSettings discriminator)
      : settings_(std::move(settings)), discriminator_(discriminator) {}

  absl::StatusOr<Networks> Build(const ImageShape& shape) const override {
    absl::StatusOr<DcganSpec> spec = DcganSpecFor(settings_, shape);
    if (!spec.ok()) return spec.status();
    for (auto& layer : spec->discriminator.layers) layer.batch_norm &= discriminator_.batch_norm;
    spec->discriminator.minibatch_kernels = discriminator_.minibatch_kernels;
    spec->discriminator.minibatch_kernel_dim = discriminator_.minibatch_kernel_dim;
    spec->discriminator.minibatch_form = discriminator_.minibatch_form;
    Networks networks;
    networks.generator = MakeDcganGenerator(*spec);
    networks.discriminator = MakeDcganDiscriminator(*spec);
    return networks;
  }

  absl::StatusOr<Generator> BuildGenerator(const ImageShape& shape) const override {
    absl::StatusOr<DcganSpec> spec = DcganSpecFor(settings_, shape);
    if (!spec.ok()) return spec.status();
    return Generator(MakeDcganGenerator(*spec));
  }

 private:
  DcganSettings settings_;
  DcganDiscriminatorSettings discriminator_;
};

absl::StatusOr<std::unique_ptr<NetworkFamily>> ReadDcganFamily(ConfigReader& model) {
  DcganSettings settings = ReadDcganSettings(model);
  DcganDiscriminatorSettings discriminator;
  std::string minibatch_form = "improved_gan";
  model.Read("d_batch_norm", &discriminator.batch_norm);
  model.Read("minibatch_kernels", &discriminator.minibatch_kernels);
  model.Read("minibatch_kernel_dim", &discriminator.minibatch_kernel_dim);
  model.Read("minibatch_form", &minibatch_form);
  RequireNonNegative(model, "minibatch_kernels", discriminator.minibatch_kernels);
  RequirePositive(model, "minibatch_kernel_dim", discriminator.minibatch_kernel_dim);
  if (minibatch_form == "paper") {
    discriminator.minibatch_form = MinibatchDiscriminationForm::kPaper;
  } else if (minibatch_form != "improved_gan") {
    model.Invalid("minibatch_form", "must be paper or improved_gan, got '" + minibatch_form + "'");
  }
  return std::make_unique<DcganFamily>(std::move(settings), discriminator);
}

GAN_REGISTER_NETWORK_FAMILY("dcgan", ReadDcganFamily);

}  // namespace

DcganSettings ReadDcganSettings(ConfigReader& model) {
  DcganSettings settings;
  model.Read("variant", &settings.variant);
  model.Read("width", &settings.width);
  model.Read("latent_dim", &settings.latent_dim);
  model.Read("init_std", &settings.init_std);
  const absl::Status variant = CheckDcganVariant(settings.variant);
  if (!variant.ok()) model.Invalid("variant", std::string(variant.message()));
  RequirePositive(model, "width", settings.width);
  RequirePositive(model, "latent_dim", settings.latent_dim);
  RequireNonNegative(model, "init_std", settings.init_std);
  return settings;
}

absl::StatusOr<DcganSpec> DcganSpecFor(const DcganSettings& settings, const ImageShape& shape) {
  absl::StatusOr<DcganSpec> spec = DcganSpecByName(settings.variant, shape.size, shape.channels,
                                                   settings.width, settings.latent_dim);
  if (spec.ok()) spec->init_std = settings.init_std;
  return spec;
}

}  // namespace gan
