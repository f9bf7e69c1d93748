// What the network families built around PGGAN's discriminator share (pggan, and
// stylegan, whose D is PGGAN's at full resolution): width and latent_dim read from the
// model section, the progressive spec for an image shape, and the batch sizes D's
// minibatch standard deviation can group.
#ifndef GAN_NETWORKS_PROGRESSIVE_PROGRESSIVE_FAMILY_H_
#define GAN_NETWORKS_PROGRESSIVE_PROGRESSIVE_FAMILY_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "gan/core/config.h"
#include "gan/networks/family.h"
#include "gan/networks/progressive/progressive.h"

namespace gan {

class ProgressiveDiscriminatorFamily : public NetworkFamily {
 public:
  // Reads and validates "width" and "latent_dim".
  explicit ProgressiveDiscriminatorFamily(ConfigReader& model);

  absl::Status CheckBatchSize(int64_t batch_size) const override;

 protected:
  absl::StatusOr<ProgressiveSpec> Spec(const ImageShape& shape) const;

  int64_t width_ = 64;
  int64_t latent_dim_ = 100;
};

}  // namespace gan

#endif  // GAN_NETWORKS_PROGRESSIVE_PROGRESSIVE_FAMILY_H_
