#include "gan/networks/family.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gan/core/registry.h"

namespace gan {
namespace {

// Built on first use, so registrations from any static initializer find it.
Registry<NetworkFamilyReader>& Families() {
  static auto* registry = new Registry<NetworkFamilyReader>("network family");
  return *registry;
}

}  // namespace

absl::StatusOr<Generator> NetworkFamily::BuildGenerator(const ImageShape& shape) const {
  absl::StatusOr<Networks> networks = Build(shape);
  if (!networks.ok()) return networks.status();
  return networks->generator;
}

bool RegisterNetworkFamily(const std::string& name, NetworkFamilyReader reader) {
  return Families().Register(name, std::move(reader));
}

std::vector<std::string> RegisteredNetworkFamilies() { return Families().Names(); }

absl::StatusOr<ModelSection> ReadModelSection(const nlohmann::json& section) {
  ConfigReader reader(section, "model");
  ModelSection model;
  if (section.is_null() || (section.is_object() && !section.contains("family"))) {
    return absl::InvalidArgumentError(
        absl::StrCat("config key 'model.family' is required: one of ",
                     absl::StrJoin(RegisteredNetworkFamilies(), ", ")));
  }
  reader.Require("family", &model.family_name);
  if (!reader.Has("family") || !section.at("family").is_string()) return reader.Finish();
  const NetworkFamilyReader* family_reader = Families().Find(model.family_name);
  if (family_reader == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config key 'model.family': '", model.family_name, "' is not a network family; the ",
        "families are ", absl::StrJoin(RegisteredNetworkFamilies(), ", ")));
  }
  absl::StatusOr<std::unique_ptr<NetworkFamily>> family = (*family_reader)(reader);
  const absl::Status read = reader.Finish();
  if (!read.ok()) {
    return absl::Status(read.code(),
                        absl::StrCat(read.message(), " (model.family '", model.family_name, "')"));
  }
  if (!family.ok()) return family.status();
  model.family = std::move(*family);
  model.settings = reader.Values();
  return model;
}

}  // namespace gan
