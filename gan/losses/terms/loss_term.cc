#include "gan/losses/terms/loss_term.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gan/core/registry.h"

namespace gan {
namespace {

// Built on first use, so registrations from any static initializer find it.
Registry<LossTermReader>& Terms() {
  static auto* registry = new Registry<LossTermReader>("loss term");
  return *registry;
}

absl::StatusOr<NamedLossTerm> ReadTerm(const std::string& name, const nlohmann::json& options,
                                       nlohmann::json* settings) {
  const LossTermReader* term_reader = Terms().Find(name);
  if (term_reader == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config key 'terms.", name, "' is not a loss term; the terms are ",
        absl::StrJoin(RegisteredLossTerms(), ", ")));
  }
  ConfigReader reader(options, "terms." + name);
  if (!options.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config key 'terms.", name, "' must be an object of the term's options ({} for its ",
        "defaults), got ", options.dump()));
  }
  absl::StatusOr<std::unique_ptr<LossTerm>> term = (*term_reader)(reader);
  const absl::Status read = reader.Finish();
  if (!read.ok()) return read;
  if (!term.ok()) return term.status();
  if (settings != nullptr) *settings = reader.Values();
  return NamedLossTerm{name, std::move(*term)};
}

}  // namespace

StepContext::StepContext(DiscriminatorModule& discriminator, GeneratorModule& generator,
                         torch::Tensor real, torch::Tensor fakes, torch::Tensor labels,
                         std::function<DiscriminatorOutput()> compute_output)
    : discriminator_(discriminator),
      generator_(generator),
      real_(std::move(real)),
      fakes_(std::move(fakes)),
      labels_(std::move(labels)),
      compute_output_(std::move(compute_output)) {}

const DiscriminatorOutput& StepContext::output() {
  if (!output_) output_ = compute_output_();
  return *output_;
}

torch::Tensor StepContext::DiscriminatorView(const torch::Tensor& images) const {
  return view_ ? view_(images) : images;
}

torch::Tensor StepContext::Critic(const torch::Tensor& images) const {
  return discriminator_.forward(DiscriminatorView(images), labels_);
}

torch::Tensor StepContext::MeanOverRanks(const torch::Tensor& value) const {
  return mean_over_ranks_ ? mean_over_ranks_(value) : value;
}

bool RegisterLossTerm(const std::string& name, LossTermReader reader) {
  return Terms().Register(name, std::move(reader));
}

std::vector<std::string> RegisteredLossTerms() { return Terms().Names(); }

absl::StatusOr<LossTerms> ReadLossTerms(const nlohmann::json& section) {
  LossTerms terms;
  if (section.is_null()) return terms;
  if (!section.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config key 'terms' must be an object naming loss terms (for example {\"r1\": ",
        "{\"weight\": 10}}), got ", section.dump()));
  }
  // nlohmann::json keeps an object's keys sorted: the terms come in name order.
  for (auto it = section.begin(); it != section.end(); ++it) {
    nlohmann::json settings;
    absl::StatusOr<NamedLossTerm> term = ReadTerm(it.key(), it.value(), &settings);
    if (!term.ok()) return term.status();
    terms.terms.push_back(std::move(*term));
    terms.settings[it.key()] = std::move(settings);
  }
  return terms;
}

absl::StatusOr<std::vector<NamedLossTerm>> NewLossTerms(const LossTerms& terms) {
  std::vector<NamedLossTerm> fresh;
  for (const NamedLossTerm& named : terms.terms) {
    absl::StatusOr<NamedLossTerm> term = ReadTerm(named.name, terms.settings.at(named.name), nullptr);
    if (!term.ok()) return term.status();
    fresh.push_back(std::move(*term));
  }
  return fresh;
}

absl::StatusOr<NamedLossTerm> LossTermByName(const std::string& name,
                                             const nlohmann::json& options) {
  return ReadTerm(name, options, nullptr);
}

absl::Status CheckTrainedOutputs(const std::vector<NamedLossTerm>& terms,
                                 const std::vector<std::string>& discriminator_outputs) {
  std::map<std::string, std::string> trained;  // output -> the term training it
  for (const NamedLossTerm& named : terms) {
    for (const std::string& output : named.term->trained_outputs()) {
      if (std::find(discriminator_outputs.begin(), discriminator_outputs.end(), output) ==
          discriminator_outputs.end()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "config: terms.", named.name, " trains the discriminator's ", output,
            ", which the discriminator of this model section does not have (model.head)"));
      }
      trained.emplace(output, named.name);
    }
  }
  for (const std::string& output : discriminator_outputs) {
    if (trained.count(output) > 0) continue;
    std::vector<std::string> trainers;  // registered terms that would, at their defaults
    for (const std::string& name : RegisteredLossTerms()) {
      absl::StatusOr<NamedLossTerm> term = LossTermByName(name);
      if (!term.ok()) continue;
      const std::vector<std::string> outputs = term->term->trained_outputs();
      if (std::find(outputs.begin(), outputs.end(), output) != outputs.end()) {
        trainers.push_back("terms." + name);
      }
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "config: the discriminator's head outputs ", output,
        ", which no term in 'terms' trains (it would stay at its initialization); ",
        trainers.empty() ? "no registered term does" : absl::StrJoin(trainers, " or ") + " does"));
  }
  return absl::OkStatus();
}

double ReadTermWeight(ConfigReader& options, double default_weight) {
  double weight = default_weight;
  options.Read("weight", &weight);
  RequireNonNegative(options, "weight", weight);
  return weight;
}

}  // namespace gan
