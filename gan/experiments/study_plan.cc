#include "gan/experiments/study_plan.h"

#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace gan {
namespace {

absl::Status Invalid(const std::string& key, const std::string& expected) {
  return absl::InvalidArgumentError(absl::StrCat("study key '", key, "' ", expected));
}

// A --set value: strings as they are, anything else as JSON.
std::string SettingValue(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string DirectoryName(const std::string& condition) {
  std::string name = condition;
  for (char& c : name) {
    if (c == '/' || c == ' ' || c == '\\') c = '_';
  }
  return name;
}

struct Condition {
  std::string name;
  std::vector<std::string> settings;
};

absl::StatusOr<std::vector<Condition>> GridConditions(const nlohmann::json& grid) {
  if (!grid.is_object() || grid.empty()) return Invalid("grid", "must be an object of key: [values]");
  std::vector<Condition> conditions = {{}};
  for (const auto& [key, values] : grid.items()) {
    if (!values.is_array() || values.empty()) {
      return Invalid("grid." + key, "must be a non-empty list of values");
    }
    std::vector<Condition> expanded;
    for (const Condition& partial : conditions) {
      for (const nlohmann::json& value : values) {
        Condition next = partial;
        const std::string setting = key + "=" + SettingValue(value);
        next.name += (next.name.empty() ? "" : ",") + setting;
        next.settings.push_back(setting);
        expanded.push_back(std::move(next));
      }
    }
    conditions = std::move(expanded);
  }
  return conditions;
}

absl::StatusOr<std::vector<Condition>> NamedConditions(const nlohmann::json& named) {
  if (!named.is_object() || named.empty()) {
    return Invalid("conditions", "must be an object of name: [\"key=value\", ...]");
  }
  std::vector<Condition> conditions;
  for (const auto& [name, settings] : named.items()) {
    if (!settings.is_array()) return Invalid("conditions." + name, "must be a list of \"key=value\"");
    Condition condition{name, {}};
    for (const nlohmann::json& setting : settings) {
      if (!setting.is_string() || setting.get<std::string>().find('=') == std::string::npos) {
        return Invalid("conditions." + name, "must be a list of \"key=value\", got " + setting.dump());
      }
      condition.settings.push_back(setting.get<std::string>());
    }
    conditions.push_back(std::move(condition));
  }
  return conditions;
}

}  // namespace

absl::StatusOr<StudyPlan> ParseStudyPlan(const nlohmann::json& json) {
  if (!json.is_object()) return absl::InvalidArgumentError("a study must be a JSON object");
  static const std::set<std::string> kKeys = {"name", "experiment", "grid", "conditions", "seeds",
                                              "budget"};
  for (const auto& [key, value] : json.items()) {
    if (kKeys.count(key) == 0) {
      return Invalid(key, "is not one of: " + absl::StrJoin(kKeys, ", "));
    }
  }
  StudyPlan plan;
  for (const auto& [key, field] : {std::pair<const char*, std::string*>{"name", &plan.name},
                                   {"experiment", &plan.experiment}}) {
    if (!json.contains(key) || !json[key].is_string() || json[key].get<std::string>().empty()) {
      return Invalid(key, "must be a non-empty string");
    }
    *field = json[key].get<std::string>();
  }
  if (json.contains("grid") && json.contains("conditions")) {
    return Invalid("conditions", "and 'grid' are both given: a study has one or the other");
  }
  absl::StatusOr<std::vector<Condition>> conditions =
      json.contains("grid")         ? GridConditions(json["grid"])
      : json.contains("conditions") ? NamedConditions(json["conditions"])
                                    : std::vector<Condition>{{"base", {}}};
  if (!conditions.ok()) return conditions.status();

  if (!json.contains("seeds") || !json["seeds"].is_array() || json["seeds"].empty()) {
    return Invalid("seeds", "must be a non-empty list of integers");
  }
  std::set<int64_t> seen;
  for (const nlohmann::json& seed : json["seeds"]) {
    if (!seed.is_number_integer() || !seen.insert(seed.get<int64_t>()).second) {
      return Invalid("seeds", "must be a list of distinct integers, got " + json["seeds"].dump());
    }
    plan.seeds.push_back(seed.get<int64_t>());
  }

  const nlohmann::json budget = json.value("budget", nlohmann::json());
  if (!budget.is_object() || budget.size() != 1) {
    return Invalid("budget", "must be one of {\"epochs\": N}, {\"iterations\": N}, {\"images\": N}");
  }
  plan.budget.unit = budget.begin().key();
  if ((plan.budget.unit != "epochs" && plan.budget.unit != "iterations" &&
       plan.budget.unit != "images") ||
      !budget.begin().value().is_number_integer() || budget.begin().value().get<int64_t>() < 1) {
    return Invalid("budget", "must be one of {\"epochs\": N}, {\"iterations\": N}, {\"images\": N} "
                             "with N >= 1, got " + budget.dump());
  }
  plan.budget.amount = budget.begin().value().get<int64_t>();

  std::set<std::string> directories;
  for (const Condition& condition : *conditions) {
    plan.conditions.push_back(condition.name);
    if (!directories.insert(DirectoryName(condition.name)).second) {
      return Invalid("conditions", "has two conditions in one directory: '" +
                                       DirectoryName(condition.name) + "'");
    }
    for (const int64_t seed : plan.seeds) {
      plan.runs.push_back({condition.name, condition.settings, seed,
                           absl::StrCat(DirectoryName(condition.name), "/seed_", seed)});
    }
  }
  return plan;
}

std::vector<std::string> BudgetSettings(const StudyBudget& budget, int64_t batch_size) {
  if (budget.unit == "epochs") {
    return {absl::StrCat("train.epochs=", budget.amount), "train.max_iterations=0"};
  }
  const int64_t iterations = budget.unit == "iterations"
                                 ? budget.amount
                                 : (budget.amount + batch_size - 1) / batch_size;
  return {absl::StrCat("train.max_iterations=", iterations)};
}

}  // namespace gan
