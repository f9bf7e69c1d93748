#include "gan/studies/study_plan.h"

#include <algorithm>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gan/core/status_macros.h"

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

absl::StatusOr<StudyEvaluation> ParseEvaluation(const nlohmann::json& json,
                                                const StudyBudget& budget) {
  static const std::set<std::string> kKeys = {"every_epochs", "every_iterations", "at_end",
                                              "samples", "extractor", "split"};
  if (!json.is_object()) return Invalid("evaluation", "must be an object");
  for (const auto& [key, value] : json.items()) {
    if (kKeys.count(key) == 0) {
      return Invalid("evaluation." + key, "is not one of: " + absl::StrJoin(kKeys, ", "));
    }
    const bool text = key == "extractor" || key == "split";
    if (key == "at_end" ? !value.is_boolean()
        : text          ? !value.is_string()
                        : !value.is_number_integer() || value.get<int64_t>() < 1) {
      return Invalid("evaluation." + key,
                     std::string(key == "at_end" ? "must be true or false"
                                 : text          ? "must be a string"
                                                 : "must be an integer >= 1") +
                         ", got " + value.dump());
    }
  }
  StudyEvaluation evaluation;
  evaluation.at_end = json.value("at_end", false);
  if (json.contains("every_epochs") + json.contains("every_iterations") + evaluation.at_end > 1) {
    return Invalid("evaluation", "has more than one of 'every_epochs', 'every_iterations' and "
                                 "'at_end': give one");
  }
  evaluation.every_epochs = json.value("every_epochs", int64_t{0});
  evaluation.every_iterations = json.value("every_iterations", int64_t{0});
  if (evaluation.at_end && budget.unit == "epochs") {
    evaluation.every_epochs = budget.amount;
    evaluation.at_end = false;
  }
  if (evaluation.every_epochs == 0 && evaluation.every_iterations == 0 && !evaluation.at_end) {
    if (budget.unit == "epochs") {
      evaluation.every_epochs = 1;
    } else if (budget.unit == "iterations") {
      evaluation.every_iterations = std::max<int64_t>(1, (budget.amount + 4) / 5);
    } else {
      return Invalid("evaluation", "needs 'every_epochs' or 'every_iterations' with a budget in images");
    }
  }
  evaluation.samples = json.value("samples", evaluation.samples);
  evaluation.extractor = json.value("extractor", std::string());
  evaluation.split = json.value("split", std::string());
  return evaluation;
}

}  // namespace

namespace {

// "experiment" (one name) or "experiments" (a list), exactly one of them.
absl::StatusOr<std::vector<std::string>> ParseExperiments(const nlohmann::json& json) {
  if (json.contains("experiment") == json.contains("experiments")) {
    return Invalid("experiment", "or 'experiments' must be given (one of them)");
  }
  const nlohmann::json experiments =
      json.contains("experiment") ? nlohmann::json::array({json["experiment"]}) : json["experiments"];
  if (!experiments.is_array() || experiments.empty()) {
    return Invalid("experiments", "must be a non-empty list of experiment names");
  }
  std::vector<std::string> names;
  for (const nlohmann::json& experiment : experiments) {
    if (!experiment.is_string() || experiment.get<std::string>().empty() ||
        experiment.get<std::string>().find_first_of("/ ") != std::string::npos) {
      return Invalid(json.contains("experiment") ? "experiment" : "experiments",
                     "must name experiments (//gan/experiments:<name>), got " + experiment.dump());
    }
    names.push_back(experiment.get<std::string>());
  }
  return names;
}

// The "grid" or the "conditions" (not both); without either, one condition named "base"
// with no settings. No setting may hold a comma (runs take them as one --set flag).
absl::StatusOr<std::vector<Condition>> ParseConditions(const nlohmann::json& json) {
  if (json.contains("grid") && json.contains("conditions")) {
    return Invalid("conditions", "and 'grid' are both given: a study has one or the other");
  }
  absl::StatusOr<std::vector<Condition>> conditions = std::vector<Condition>(1, {"base", {}});
  if (json.contains("grid")) {
    conditions = GridConditions(json["grid"]);
  } else if (json.contains("conditions")) {
    conditions = NamedConditions(json["conditions"]);
  }
  if (!conditions.ok()) return conditions.status();
  for (const Condition& condition : *conditions) {
    for (const std::string& setting : condition.settings) {
      if (setting.find(',') != std::string::npos) {
        return Invalid(json.contains("grid") ? "grid" : "conditions",
                       "has a value with a comma, which --set cannot pass: '" + setting + "'");
      }
    }
  }
  return conditions;
}

absl::StatusOr<std::vector<int64_t>> ParseSeeds(const nlohmann::json& json) {
  if (!json.contains("seeds") || !json["seeds"].is_array() || json["seeds"].empty()) {
    return Invalid("seeds", "must be a non-empty list of integers");
  }
  std::vector<int64_t> seeds;
  std::set<int64_t> seen;
  for (const nlohmann::json& seed : json["seeds"]) {
    if (!seed.is_number_integer() || !seen.insert(seed.get<int64_t>()).second) {
      return Invalid("seeds", "must be a list of distinct integers, got " + json["seeds"].dump());
    }
    seeds.push_back(seed.get<int64_t>());
  }
  return seeds;
}

absl::StatusOr<StudyBudget> ParseBudget(const nlohmann::json& json) {
  const nlohmann::json budget = json.value("budget", nlohmann::json());
  if (!budget.is_object() || budget.size() != 1) {
    return Invalid("budget", "must be one of {\"epochs\": N}, {\"iterations\": N}, {\"images\": N}");
  }
  StudyBudget parsed;
  parsed.unit = budget.begin().key();
  if ((parsed.unit != "epochs" && parsed.unit != "iterations" && parsed.unit != "images") ||
      !budget.begin().value().is_number_integer() || budget.begin().value().get<int64_t>() < 1) {
    return Invalid("budget", "must be one of {\"epochs\": N}, {\"iterations\": N}, {\"images\": N} "
                             "with N >= 1, got " + budget.dump());
  }
  parsed.amount = budget.begin().value().get<int64_t>();
  return parsed;
}

}  // namespace

absl::StatusOr<StudyPlan> ParseStudyPlan(const nlohmann::json& json) {
  if (!json.is_object()) return absl::InvalidArgumentError("a study must be a JSON object");
  static const std::set<std::string> kKeys = {"name",  "experiment", "experiments", "grid",
                                              "conditions", "seeds", "budget", "evaluation"};
  for (const auto& [key, value] : json.items()) {
    if (kKeys.count(key) == 0) {
      return Invalid(key, "is not one of: " + absl::StrJoin(kKeys, ", "));
    }
  }
  StudyPlan plan;
  if (!json.contains("name") || !json["name"].is_string() || json["name"].get<std::string>().empty()) {
    return Invalid("name", "must be a non-empty string");
  }
  plan.name = json["name"].get<std::string>();
  GAN_ASSIGN_OR_RETURN(plan.experiments, ParseExperiments(json));
  GAN_ASSIGN_OR_RETURN(const std::vector<Condition> conditions, ParseConditions(json));
  GAN_ASSIGN_OR_RETURN(plan.seeds, ParseSeeds(json));
  GAN_ASSIGN_OR_RETURN(plan.budget, ParseBudget(json));
  GAN_ASSIGN_OR_RETURN(plan.evaluation,
                       ParseEvaluation(json.value("evaluation", nlohmann::json::object()), plan.budget));
  std::set<std::string> directories;
  const bool several = plan.experiments.size() > 1;
  const bool base = !json.contains("grid") && !json.contains("conditions");
  for (const std::string& experiment : plan.experiments) {
    for (const Condition& condition : conditions) {
      const std::string name = !several ? condition.name
                               : base   ? experiment
                                        : experiment + ":" + condition.name;
      plan.conditions.push_back(name);
      if (!directories.insert(DirectoryName(name)).second) {
        return Invalid("conditions", "has two conditions in one directory: '" + DirectoryName(name) + "'");
      }
      for (const int64_t seed : plan.seeds) {
        plan.runs.push_back({experiment, name, condition.settings, seed,
                             absl::StrCat(DirectoryName(name), "/seed_", seed)});
      }
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

std::vector<std::string> StudyRunSettings(const StudyPlan& plan, const StudyRun& run,
                                          int64_t batch_size) {
  std::vector<std::string> settings = run.settings;
  for (std::string& setting : BudgetSettings(plan.budget, batch_size)) settings.push_back(std::move(setting));
  const StudyEvaluation& evaluation = plan.evaluation;
  // Evaluations (and the checkpoints they rate) at the study's points, and no others.
  int64_t points = 0;
  if (evaluation.every_epochs > 0) {
    settings.push_back(absl::StrCat("output.evaluate_every_epochs=", evaluation.every_epochs));
    settings.push_back("output.evaluate_every=0");
    settings.push_back(absl::StrCat("output.checkpoint_every_epochs=", evaluation.every_epochs));
    settings.push_back("output.checkpoint_every=0");
    points = plan.budget.unit == "epochs" ? plan.budget.amount / evaluation.every_epochs : 0;
  } else {
    const int64_t iterations = plan.budget.unit == "iterations"
                                   ? plan.budget.amount
                                   : (plan.budget.amount + batch_size - 1) / batch_size;
    const int64_t every = evaluation.at_end ? iterations : evaluation.every_iterations;
    settings.push_back(absl::StrCat("output.evaluate_every=", every));
    settings.push_back("output.evaluate_every_epochs=0");
    settings.push_back(absl::StrCat("output.checkpoint_every=", every));
    settings.push_back("output.checkpoint_every_epochs=0");
    points = plan.budget.unit == "epochs" ? 0 : iterations / every;
  }
  // Every rated checkpoint is kept (and the final one); unknown counts keep 100.
  settings.push_back(absl::StrCat("output.keep_checkpoints=", points > 0 ? points + 1 : 100));
  settings.push_back(absl::StrCat("output.evaluate_samples=", evaluation.samples));
  if (!evaluation.extractor.empty()) settings.push_back("output.evaluate_extractor=" + evaluation.extractor);
  if (!evaluation.split.empty()) settings.push_back("output.evaluate_split=" + evaluation.split);
  return settings;
}

}  // namespace gan
