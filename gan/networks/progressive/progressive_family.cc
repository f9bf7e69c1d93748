#include "gan/networks/progressive/progressive_family.h"

namespace gan {

ProgressiveDiscriminatorFamily::ProgressiveDiscriminatorFamily(ConfigReader& model) {
  model.Read("width", &width_);
  model.Read("latent_dim", &latent_dim_);
  RequirePositive(model, "width", width_);
  RequirePositive(model, "latent_dim", latent_dim_);
}

absl::Status ProgressiveDiscriminatorFamily::CheckBatchSize(int64_t batch_size) const {
  return CheckMinibatchGroups(ProgressiveSpec(), batch_size);
}

absl::StatusOr<ProgressiveSpec> ProgressiveDiscriminatorFamily::Spec(const ImageShape& shape) const {
  return ProgressiveSpecFor(shape.size, shape.channels, width_, latent_dim_);
}

}  // namespace gan
