#include "gan/losses/loss_section.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gan/core/config.h"

namespace gan {
namespace {

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

absl::StatusOr<LossSection> ReadLossSection(const nlohmann::json& section) {
  // The shorthand "loss": "hinge" is the object {"name": "hinge"}.
  const nlohmann::json object =
      section.is_string() ? nlohmann::json{{"name", section}} : section;
  if (!object.is_object() || !object.contains("name")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config key 'loss' must name a loss, as \"hinge\" or {\"name\": \"bce\", ...options}; ",
        "the losses are ", absl::StrJoin(AdversarialLossNames(), ", "), " (logit ",
        "discriminators) and ", absl::StrJoin(EnergyLossNames(), ", "), " (autoencoders)"));
  }
  ConfigReader reader(object, "loss");
  LossSection loss;
  reader.Require("name", &loss.name);
  if (!object.at("name").is_string()) return reader.Finish();
  absl::Status built;
  if (Contains(AdversarialLossNames(), loss.name)) {
    absl::StatusOr<AdversarialLoss> adversarial = ReadAdversarialLoss(loss.name, reader);
    if (adversarial.ok()) loss.adversarial = std::move(*adversarial);
    built = adversarial.status();
  } else if (Contains(EnergyLossNames(), loss.name)) {
    absl::StatusOr<EnergyLoss> energy = ReadEnergyLoss(loss.name, reader);
    if (energy.ok()) loss.energy = std::move(*energy);
    built = energy.status();
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "config key 'loss.name': '", loss.name, "' is not a loss; the losses are ",
        absl::StrJoin(AdversarialLossNames(), ", "), " (logit discriminators) and ",
        absl::StrJoin(EnergyLossNames(), ", "), " (autoencoders)"));
  }
  const absl::Status read = reader.Finish();
  if (!read.ok()) return read;
  if (!built.ok()) return absl::InvalidArgumentError(absl::StrCat("config key 'loss': ", built.message()));
  return loss;
}

}  // namespace gan
