// The "pggan" network family: PGGAN's generator and discriminator, grown during training
// (train.progressive_* set the schedule), from a model section such as
//   "model": {"family": "pggan", "width": 8, "latent_dim": 128}
// Unconditional.
#include <memory>

#include "gan/networks/family.h"
#include "gan/networks/progressive/progressive.h"
#include "gan/networks/progressive/progressive_family.h"

namespace gan {
namespace {

class PgganFamily : public ProgressiveDiscriminatorFamily {
 public:
  using ProgressiveDiscriminatorFamily::ProgressiveDiscriminatorFamily;

  absl::StatusOr<Networks> Build(const ImageShape& shape) const override {
    absl::StatusOr<ProgressiveSpec> spec = Spec(shape);
    if (!spec.ok()) return spec.status();
    Networks networks;
    networks.discriminator = std::make_shared<ProgressiveDiscriminator>(*spec);
    networks.generator = std::make_shared<ProgressiveGenerator>(*spec);
    return networks;
  }

  absl::StatusOr<Generator> BuildGenerator(const ImageShape& shape) const override {
    absl::StatusOr<ProgressiveSpec> spec = Spec(shape);
    if (!spec.ok()) return spec.status();
    return Generator(std::make_shared<ProgressiveGenerator>(*spec));
  }
};

absl::StatusOr<std::unique_ptr<NetworkFamily>> ReadPgganFamily(ConfigReader& model) {
  return std::make_unique<PgganFamily>(model);
}

GAN_REGISTER_NETWORK_FAMILY("pggan", ReadPgganFamily);

}  // namespace
}  // namespace gan
