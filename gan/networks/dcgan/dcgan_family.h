// The "dcgan" network family: DCGAN's G and D, from a model section such as
//   "model": {"family": "dcgan", "variant": "standard", "width": 32, "latent_dim": 100,
//             "d_batch_norm": true, "minibatch_kernels": 0, "minibatch_kernel_dim": 5,
//             "minibatch_form": "improved_gan"}
// (minibatch_form: "paper" or "improved_gan", gan/nn/minibatch_discrimination.h)
// (variant, width, latent_dim and init_std are the generator's settings, shared with the
// energy-based families whose G is a DCGAN).
#ifndef GAN_NETWORKS_DCGAN_DCGAN_FAMILY_H_
#define GAN_NETWORKS_DCGAN_DCGAN_FAMILY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "gan/core/config.h"
#include "gan/networks/dcgan/dcgan.h"
#include "gan/networks/family.h"

namespace gan {

struct DcganSettings {
  std::string variant = "standard";  // see DcganSpecByName
  int64_t width = 64;                // base channel count, where the variant allows it
  int64_t latent_dim = 100;
  double init_std = 0.02;            // N(0, init_std) conv weights; 0 = LibTorch's default
};

// Reads and validates the four keys above from `model`.
DcganSettings ReadDcganSettings(ConfigReader& model);

// The DCGAN spec for `settings` and images of `shape`.
absl::StatusOr<DcganSpec> DcganSpecFor(const DcganSettings& settings, const ImageShape& shape);

}  // namespace gan

#endif  // GAN_NETWORKS_DCGAN_DCGAN_FAMILY_H_
