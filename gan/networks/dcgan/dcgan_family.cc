#include "gan/networks/dcgan/dcgan_family.h"

#include <memory>
#include <utility>

namespace gan {
namespace {

class DcganFamily : public NetworkFamily {
 public:
  DcganFamily(DcganSettings settings, bool d_batch_norm, int64_t minibatch_kernels,
              int64_t minibatch_kernel_dim)
      : settings_(std::move(settings)),
        d_batch_norm_(d_batch_norm),
        minibatch_kernels_(minibatch_kernels),
        minibatch_kernel_dim_(minibatch_kernel_dim) {}

  absl::StatusOr<Networks> Build(const ImageShape& shape) const override {
    absl::StatusOr<DcganSpec> spec = DcganSpecFor(settings_, shape);
    if (!spec.ok()) return spec.status();
    for (auto& layer : spec->discriminator.layers) layer.batch_norm &= d_batch_norm_;
    spec->discriminator.minibatch_kernels = minibatch_kernels_;
    spec->discriminator.minibatch_kernel_dim = minibatch_kernel_dim_;
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
  bool d_batch_norm_;
  int64_t minibatch_kernels_;
  int64_t minibatch_kernel_dim_;
};

absl::StatusOr<std::unique_ptr<NetworkFamily>> ReadDcganFamily(ConfigReader& model) {
  DcganSettings settings = ReadDcganSettings(model);
  bool d_batch_norm = true;  // off for gradient penalties
  int64_t minibatch_kernels = 0, minibatch_kernel_dim = 5;  // > 0: minibatch discrimination
  model.Read("d_batch_norm", &d_batch_norm);
  model.Read("minibatch_kernels", &minibatch_kernels);
  model.Read("minibatch_kernel_dim", &minibatch_kernel_dim);
  RequireNonNegative(model, "minibatch_kernels", minibatch_kernels);
  RequirePositive(model, "minibatch_kernel_dim", minibatch_kernel_dim);
  return std::make_unique<DcganFamily>(std::move(settings), d_batch_norm, minibatch_kernels,
                                       minibatch_kernel_dim);
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
