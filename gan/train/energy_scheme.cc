#include "gan/train/energy_scheme.h"

#include "absl/strings/str_cat.h"
#include "gan/core/status_macros.h"
#include "gan/train/energy_updaters.h"

namespace gan {

std::unique_ptr<UpdateScheme> ReadEnergyScheme(ConfigReader&) {
  return std::make_unique<EnergyScheme>();
}

absl::StatusOr<std::unique_ptr<Updater>> EnergyScheme::NewUpdater(const UpdateInputs& inputs) const {
  GAN_RETURN_IF_ERROR(CheckLossFitsDiscriminator(inputs));
  if (inputs.autoencoder == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config key 'update.scheme' (energy) trains autoencoder discriminators; that of ",
        "model.family '", inputs.family_name, "' outputs logits (update.scheme alternating)"));
  }
  const char* unsupported =
      inputs.data_parallel                                        ? "data-parallel training"
      : inputs.precision->mixed_precision != MixedPrecision::kNone ? "precision.mixed_precision"
      : inputs.precision->channels_last                           ? "precision.channels_last"
      : inputs.optim->decaying()                                  ? "optim.lr_schedule"
      : !inputs.terms->terms.empty()                              ? "the terms section"
      : inputs.augment->name != "none"                            ? "the augment section"
                                                                  : nullptr;
  if (unsupported != nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model.family '", inputs.family_name, "': ", unsupported, " is supported by the ",
        "alternating update scheme of logit discriminators, not the energy scheme of its ",
        "autoencoder"));
  }
  return EnergyUpdaterFor(*inputs.loss->energy, inputs.generator, inputs.autoencoder,
                          inputs.optim->generator, inputs.optim->discriminator, inputs.device);
}

GAN_REGISTER_UPDATE_SCHEME("energy", ReadEnergyScheme);

}  // namespace gan
