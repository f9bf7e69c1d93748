// Loss terms: penalties, regularizers and auxiliary tasks that an updater adds to D's and
// G's adversarial losses. Each term is a small target of this package that registers
// itself by name with a reader for its options, and a config names the terms it uses:
//   "terms": {"wgan_gp": {"weight": 10}, "drift": {"weight": 0.001}}
// The updater (gan/train/alternating_updater.h) adds every term's D part to D's loss and
// its G part to G's loss, in the order of the terms' names (fixed, so that runs
// reproduce bit for bit). Nothing outside the term files lists the terms: an unknown name
// is an error listing the registered ones.
//
//   GAN_REGISTER_LOSS_TERM("r1", ReadR1Term);  // in the term's file
//
//   GAN_ASSIGN_OR_RETURN(gan::LossTerms terms, gan::ReadLossTerms(json["terms"]));
//
// A registration is a static initializer: the term's cc_library sets alwayslink, and a
// binary links the terms it offers (gan/losses/terms:all_terms has them all).
#ifndef GAN_LOSSES_TERMS_LOSS_TERM_H_
#define GAN_LOSSES_TERMS_LOSS_TERM_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/serialize/archive.h>
#include <torch/types.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gan/core/config.h"
#include "gan/core/registry.h"
#include "gan/networks/gan_modules.h"

namespace gan {

// What a term sees of one optimizer step: the networks, the step's real batch, fakes and
// labels, and D's output on the step's images (the real batch in D's step, the fakes in
// G's), computed once, when the updater or a term first asks for it.
class StepContext {
 public:
  StepContext(DiscriminatorModule& discriminator, GeneratorModule& generator, torch::Tensor real,
              torch::Tensor fakes, torch::Tensor labels,
              std::function<DiscriminatorOutput()> compute_output);

  DiscriminatorModule& discriminator() const { return discriminator_; }
  GeneratorModule& generator() const { return generator_; }
  const torch::Tensor& real() const { return real_; }
  const torch::Tensor& fakes() const { return fakes_; }
  const torch::Tensor& labels() const { return labels_; }  // undefined when unlabelled
  const DiscriminatorOutput& output();
  // `images` as D sees them: augmented when the updater augments D's inputs
  // (gan/augment), with a fresh draw on every call; as they are otherwise. real() and
  // fakes() are not augmented, so that a gradient taken through this (R1's) is with
  // respect to the images themselves, as in DiffAugment's and ADA's code.
  torch::Tensor DiscriminatorView(const torch::Tensor& images) const;
  void set_discriminator_view(std::function<torch::Tensor(const torch::Tensor&)> view) {
    view_ = std::move(view);
  }
  // D's logits of DiscriminatorView(images) with the step's labels (the critic of
  // gradient penalties).
  torch::Tensor Critic(const torch::Tensor& images) const;

  // The latent batch G made the fakes from; undefined where the caller gave fakes alone.
  const torch::Tensor& latents() const { return latents_; }
  void set_latents(torch::Tensor latents) { latents_ = std::move(latents); }

  // D's step only: D's logits of the fakes.
  const torch::Tensor& fake_logits() const { return fake_logits_; }
  void set_fake_logits(torch::Tensor logits) { fake_logits_ = std::move(logits); }
  // The mean of `value` (a scalar, e.g. a batch mean) over the data-parallel ranks, so
  // that statistics of the global batch agree on every rank; `value` itself in one
  // process.
  torch::Tensor MeanOverRanks(const torch::Tensor& value) const;
  void set_mean_over_ranks(std::function<torch::Tensor(const torch::Tensor&)> mean) {
    mean_over_ranks_ = std::move(mean);
  }

 private:
  DiscriminatorModule& discriminator_;
  GeneratorModule& generator_;
  torch::Tensor real_, fakes_, labels_, latents_, fake_logits_;
  std::function<DiscriminatorOutput()> compute_output_;
  std::optional<DiscriminatorOutput> output_;
  std::function<torch::Tensor(const torch::Tensor&)> mean_over_ranks_;
  std::function<torch::Tensor(const torch::Tensor&)> view_;
};

class LossTerm {
 public:
  virtual ~LossTerm() = default;

  // The weighted term added to D's loss in D's step and to G's in G's step; undefined
  // where the term has no part. A term with state (moving averages) updates it here.
  virtual torch::Tensor Discriminator(StepContext& step) { return {}; }
  virtual torch::Tensor Generator(StepContext& step) { return {}; }

  // A term's state, in checkpoints under keys that start with `prefix`.
  virtual void Save(torch::serialize::OutputArchive& archive, const std::string& prefix) const {}
  virtual void Load(torch::serialize::InputArchive& archive, const std::string& prefix) {}

  // D's auxiliary outputs (DiscriminatorOutput::extras) the term trains; D must have them,
  // and every output D has must be trained by some term.
  virtual std::vector<std::string> trained_outputs() const { return {}; }
  // Whether the term needs the batch's labels (class losses).
  virtual bool needs_labels() const { return false; }
  // Whether the term's value over a batch is not the mean of its values over the
  // images (batch means compared, similarities within the batch, state updated per
  // batch): such a term cannot be taken over parts of a batch (gradient accumulation).
  virtual bool needs_whole_batch() const { return false; }
  // Whether the term's D part runs G again on the latents of the step's fakes (zCR), which
  // needs fakes of the current G: not G-first order's, made before G's step.
  virtual bool reruns_generator() const { return false; }
  // Whether the term's G part stands in for G's adversarial loss (feature matching).
  virtual bool replaces_generator_loss() const { return false; }
  // Where the term's values are logged: "penalty" logs D's part as "penalty_d" (and a G
  // part as "penalty_g"); terms sharing a name are summed there. "": not logged.
  virtual std::string log_name() const { return ""; }
};

// Reads a term's options from its section, recording invalid values on `options`.
using LossTermReader =
    std::function<absl::StatusOr<std::unique_ptr<LossTerm>>(ConfigReader& options)>;

// Registers `reader` under `name`; a second registration of a name aborts at startup.
// Returns true, for use in a static initializer (GAN_REGISTER_LOSS_TERM).
bool RegisterLossTerm(const std::string& name, LossTermReader reader);

// The registered names, sorted.
std::vector<std::string> RegisteredLossTerms();

struct NamedLossTerm {
  std::string name;
  std::shared_ptr<LossTerm> term;
};

// A "terms" section read by its terms' readers: the terms in name order, and every
// option in force (defaults included).
struct LossTerms {
  std::vector<NamedLossTerm> terms;
  nlohmann::json settings = nlohmann::json::object();
};

// Reads `section` ("terms" in errors; null: no terms): an object whose keys name terms
// and whose values are objects of their options.
absl::StatusOr<LossTerms> ReadLossTerms(const nlohmann::json& section);

// The terms of `terms` anew, with fresh state: one set per updater.
absl::StatusOr<std::vector<NamedLossTerm>> NewLossTerms(const LossTerms& terms);

// One term with `options` (its defaults for an empty object), e.g. for tests and programs.
absl::StatusOr<NamedLossTerm> LossTermByName(const std::string& name,
                                             const nlohmann::json& options = nlohmann::json::object());

// Whether `terms` train exactly the auxiliary outputs `discriminator_outputs` of a
// discriminator: a term's output D lacks, or an output no term trains (it would stay at
// its initialization), is an error naming both.
absl::Status CheckTrainedOutputs(const std::vector<NamedLossTerm>& terms,
                                 const std::vector<std::string>& discriminator_outputs);

// Reads a term's "weight" option (default `default_weight`; must be >= 0).
double ReadTermWeight(ConfigReader& options, double default_weight);

}  // namespace gan

#define GAN_REGISTER_LOSS_TERM(name, reader) \
  GAN_REGISTER_WITH(::gan::RegisterLossTerm, name, reader)

#endif  // GAN_LOSSES_TERMS_LOSS_TERM_H_
