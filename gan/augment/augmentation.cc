#include "gan/augment/augmentation.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gan/core/registry.h"

namespace gan {
namespace {

Registry<AugmentationReader>& Augmentations() {
  static auto* registry = new Registry<AugmentationReader>("augmentation");
  return *registry;
}

std::string Choices() {
  return absl::StrCat("none, ", absl::StrJoin(RegisteredAugmentations(), ", "));
}

// Reads an object with "name" and the named augmentation's options; null for "none".
absl::StatusOr<std::unique_ptr<Augmentation>> Read(const nlohmann::json& object,
                                                   nlohmann::json* settings) {
  ConfigReader reader(object, "augment");
  std::string name;
  reader.Require("name", &name);
  if (!object.at("name").is_string()) return reader.Finish();
  absl::StatusOr<std::unique_ptr<Augmentation>> augmentation;
  if (name == "none") {
    augmentation = nullptr;
  } else if (const AugmentationReader* read = Augmentations().Find(name)) {
    augmentation = (*read)(reader);
  } else {
    return absl::InvalidArgumentError(absl::StrCat("config key 'augment.name': '", name,
                                                   "' is not an augmentation; they are ",
                                                   Choices()));
  }
  const absl::Status read = reader.Finish();
  if (!read.ok()) return read;
  if (!augmentation.ok()) return augmentation.status();
  if (settings != nullptr) *settings = reader.Values();
  return augmentation;
}

}  // namespace

bool RegisterAugmentation(const std::string& name, AugmentationReader reader) {
  return Augmentations().Register(name, std::move(reader));
}

std::vector<std::string> RegisteredAugmentations() { return Augmentations().Names(); }

absl::StatusOr<AugmentSection> ReadAugmentSection(const nlohmann::json& section) {
  AugmentSection augment;
  if (section.is_null()) return augment;
  // The shorthand "augment": "diffaugment" is {"name": "diffaugment"}.
  const nlohmann::json object = section.is_string() ? nlohmann::json{{"name", section}} : section;
  if (!object.is_object() || !object.contains("name")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config key 'augment' must name an augmentation, as \"diffaugment\" or {\"name\": ",
        "\"diffaugment\", ...options}; they are ", Choices(), "; got ", section.dump()));
  }
  absl::StatusOr<std::unique_ptr<Augmentation>> augmentation = Read(object, &augment.settings);
  if (!augmentation.ok()) return augmentation.status();
  augment.name = object.at("name").get<std::string>();
  return augment;
}

absl::StatusOr<std::shared_ptr<Augmentation>> NewAugmentation(const AugmentSection& section) {
  if (section.name == "none") return std::shared_ptr<Augmentation>();
  absl::StatusOr<std::unique_ptr<Augmentation>> augmentation = Read(section.settings, nullptr);
  if (!augmentation.ok()) return augmentation.status();
  return std::shared_ptr<Augmentation>(std::move(*augmentation));
}

}  // namespace gan
