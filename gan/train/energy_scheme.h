// The "energy" update scheme (gan/train/update_scheme.h): the updater of the loss
// section's energy-based loss (EBGAN's or BEGAN's, gan/train/energy_updaters.h) on an
// autoencoder discriminator. It has no keys: n_dis, clipping, accumulation and the
// alternating scheme's other keys are unknown under it. It takes the optim section's
// optimizers and refuses what it does not implement (loss terms, augmentation, a
// learning-rate schedule, mixed precision, channels-last, data parallelism).
#ifndef GAN_TRAIN_ENERGY_SCHEME_H_
#define GAN_TRAIN_ENERGY_SCHEME_H_

#include <memory>

#include "gan/core/config.h"
#include "gan/train/update_scheme.h"

namespace gan {

class EnergyScheme : public UpdateScheme {
 public:
  absl::StatusOr<std::unique_ptr<Updater>> NewUpdater(const UpdateInputs& inputs) const override;
};

std::unique_ptr<UpdateScheme> ReadEnergyScheme(ConfigReader& reader);

}  // namespace gan

#endif  // GAN_TRAIN_ENERGY_SCHEME_H_
