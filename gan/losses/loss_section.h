// The "loss" section of an experiment config: the adversarial loss of a logit
// discriminator (gan/losses/adversarial_loss.h) or the energy-based loss of an
// autoencoder discriminator (gan/losses/energy_based.h), by name, with its options:
//   "loss": "hinge"
//   "loss": {"name": "bce", "real_target": 0.9}     one-sided label smoothing
//   "loss": {"name": "began", "gamma": 0.5, "lambda_k": 0.001}
#ifndef GAN_LOSSES_LOSS_SECTION_H_
#define GAN_LOSSES_LOSS_SECTION_H_

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "gan/losses/adversarial_loss.h"
#include "gan/losses/energy_based.h"

namespace gan {

struct LossSection {
  std::string name;
  std::optional<AdversarialLoss> adversarial;  // set for the losses of D's logits
  std::optional<EnergyLoss> energy;            // set for the energy-based losses
};

// Reads `section` ("loss" in errors): a name, or an object with "name" and the loss's
// options. Unknown names are errors listing the losses; unknown options, errors naming them.
absl::StatusOr<LossSection> ReadLossSection(const nlohmann::json& section);

}  // namespace gan

#endif  // GAN_LOSSES_LOSS_SECTION_H_
