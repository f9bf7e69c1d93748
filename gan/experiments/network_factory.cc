#include "gan/experiments/network_factory.h"

#include "absl/strings/str_cat.h"
#include "gan/networks/dcgan/dcgan.h"

namespace gan {

absl::StatusOr<Networks> MakeNetworks(const ModelConfig& model, int64_t image_size,
                                      int64_t image_channels) {
  if (model.family == "dcgan") {
    absl::StatusOr<DcganSpec> spec = DcganSpecByName(model.variant, image_size, image_channels,
                                                     model.width, model.latent_dim);
    if (!spec.ok()) return spec.status();
    spec->init_std = model.init_std;
    return Networks{MakeDcganGenerator(*spec), MakeDcganDiscriminator(*spec)};
  }
  return absl::InvalidArgumentError(
      absl::StrCat("model.family '", model.family, "' is not one of: dcgan"));
}

}  // namespace gan
