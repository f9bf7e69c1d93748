#include "gan/train/update_scheme.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace gan {
namespace {

Registry<UpdateSchemeReader>& Schemes() {
  static auto* registry = new Registry<UpdateSchemeReader>("update scheme");
  return *registry;
}

}  // namespace

bool RegisterUpdateScheme(const std::string& name, UpdateSchemeReader reader) {
  return Schemes().Register(name, std::move(reader));
}

std::vector<std::string> RegisteredUpdateSchemes() { return Schemes().Names(); }

std::string DefaultUpdateScheme(const LossSection& loss) {
  return loss.energy ? "energy" : "alternating";
}

absl::Status CheckLossFitsDiscriminator(const UpdateInputs& inputs) {
  if (inputs.autoencoder != nullptr && !inputs.loss->energy) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config key 'loss': '", inputs.loss->name, "' is a loss of discriminator logits; the ",
        "discriminator of model.family '", inputs.family_name, "' is an autoencoder, ",
        "trained with one of ", absl::StrJoin(EnergyLossNames(), ", ")));
  }
  if (inputs.discriminator != nullptr && !inputs.loss->adversarial) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config key 'loss': '", inputs.loss->name, "' trains autoencoder discriminators; the ",
        "discriminator of model.family '", inputs.family_name, "' outputs logits, ",
        "trained with one of ", absl::StrJoin(AdversarialLossNames(), ", ")));
  }
  return absl::OkStatus();
}

absl::StatusOr<UpdateSection> ReadUpdateSection(const nlohmann::json& section,
                                                const std::string& default_scheme) {
  // The shorthand "update": "energy" is {"scheme": "energy"}.
  const nlohmann::json object = section.is_null()     ? nlohmann::json::object()
                                : section.is_string() ? nlohmann::json{{"scheme", section}}
                                                      : section;
  if (!object.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config key 'update' must be a scheme's name or an object with \"scheme\" and its ",
        "keys; the schemes are ", absl::StrJoin(RegisteredUpdateSchemes(), ", "), "; got ",
        section.dump()));
  }
  ConfigReader reader(object, "update");
  UpdateSection update;
  update.scheme_name = default_scheme;
  reader.Read("scheme", &update.scheme_name);
  const UpdateSchemeReader* read = Schemes().Find(update.scheme_name);
  if (read == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config key 'update.scheme': '", update.scheme_name, "' is not an update scheme; they are ",
        absl::StrJoin(RegisteredUpdateSchemes(), ", ")));
  }
  std::unique_ptr<UpdateScheme> scheme = (*read)(reader);
  const absl::Status status = reader.Finish();
  if (!status.ok()) return status;
  update.scheme = std::move(scheme);
  return update;
}

}  // namespace gan
