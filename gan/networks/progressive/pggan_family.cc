// The "pggan" network family: PGGAN's generator and discriminator, grown during training
// on the schedule of the section's "growth" (GrowthSchedule in gan/networks/family.h),
// from a model section such as
//   "model": {"family": "pggan", "width": 8, "latent_dim": 128,
//             "growth": {"stable_images": 12800, "fade_images": 12800}}
// Unconditional. The growth schedule is not part of the architecture: a run may resume
// with another.
#include <memory>

#include "gan/networks/family.h"
#include "gan/networks/progressive/progressive.h"
#include "gan/networks/progressive/progressive_family.h"

namespace gan {
namespace {

class PgganFamily : public ProgressiveDiscriminatorFamily {
 public:
  explicit PgganFamily(ConfigReader& model) : ProgressiveDiscriminatorFamily(model) {
    ConfigReader growth = model.Child("growth");
    growth.Read("stable_images", &growth_.stable_images);
    growth.Read("fade_images", &growth_.fade_images);
    growth.Read("fade_reals", &growth_.fade_reals);
    growth.Read("reset_optimizers", &growth_.reset_optimizers);
    RequireNonNegative(growth, "stable_images", static_cast<double>(growth_.stable_images));
    RequirePositive(growth, "fade_images", static_cast<double>(growth_.fade_images));
    model.Absorb(growth.Finish());
  }

  const GrowthSchedule* growth() const override { return &growth_; }

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

 private:
  GrowthSchedule growth_;
};

absl::StatusOr<std::unique_ptr<NetworkFamily>> ReadPgganFamily(ConfigReader& model) {
  return std::make_unique<PgganFamily>(model);
}

GAN_REGISTER_NETWORK_FAMILY("pggan", ReadPgganFamily);

}  // namespace
}  // namespace gan
