// The gradient penalties of gan/losses/gradient_penalty.h as D terms, logged as
// "penalty_d":
//   "wgan_gp": {"weight": 10}                      WGAN-GP's lambda
//   "dragan":  {"weight": 10, "perturbation": 0.5}  DRAGAN's lambda and c
//   "r1":      {"weight": 10, "interval": 1}       R1's gamma; lazy regularization
// R1 with interval N > 1 (StyleGAN2's lazy regularization, N = 16 there) applies on every
// N-th D step, the first included, with the weight times N; its step count is kept in
// checkpoints.
#include <memory>
#include <string>
#include <utility>

#include "gan/core/strict_load.h"
#include "gan/losses/gradient_penalty.h"
#include "gan/losses/terms/loss_term.h"

namespace gan {
namespace {

using PenaltyFunction = std::function<torch::Tensor(const Critic&, StepContext&)>;

class GradientPenaltyTerm : public LossTerm {
 public:
  explicit GradientPenaltyTerm(PenaltyFunction penalty) : penalty_(std::move(penalty)) {}
  torch::Tensor Discriminator(StepContext& step) override {
    const Critic critic = [&step](const torch::Tensor& x) { return step.Critic(x); };
    return penalty_(critic, step);
  }
  std::string log_name() const override { return "penalty"; }

 private:
  PenaltyFunction penalty_;
};

absl::StatusOr<std::unique_ptr<LossTerm>> ReadWganGp(ConfigReader& options) {
  const double weight = ReadTermWeight(options, 10.0);
  return std::make_unique<GradientPenaltyTerm>([weight](const Critic& critic, StepContext& step) {
    return WganGpPenalty(critic, step.real(), step.fakes(), weight);
  });
}

absl::StatusOr<std::unique_ptr<LossTerm>> ReadDragan(ConfigReader& options) {
  const double weight = ReadTermWeight(options, 10.0);
  double perturbation = 0.5;
  options.Read("perturbation", &perturbation);
  RequireNonNegative(options, "perturbation", perturbation);
  return std::make_unique<GradientPenaltyTerm>(
      [weight, perturbation](const Critic& critic, StepContext& step) {
        return DraganPenalty(critic, step.real(), weight, perturbation);
      });
}

class LazyR1Term : public LossTerm {
 public:
  LazyR1Term(double weight, int64_t interval) : weight_(weight), interval_(interval) {}
  torch::Tensor Discriminator(StepContext& step) override {
    const bool due = steps_ % interval_ == 0;
    ++steps_;
    if (!due) return {};
    const Critic critic = [&step](const torch::Tensor& x) { return step.Critic(x); };
    return R1Penalty(critic, step.real(), weight_ * static_cast<double>(interval_));
  }
  std::string log_name() const override { return "penalty"; }
  bool needs_whole_batch() const override { return true; }  // counts batches
  void Save(torch::serialize::OutputArchive& archive, const std::string& prefix) const override {
    archive.write(prefix + "steps", torch::tensor(steps_));
  }
  void Load(torch::serialize::InputArchive& archive, const std::string& prefix) override {
    steps_ = ReadIntStrictly(archive, prefix + "steps", "checkpoint");
  }

 private:
  double weight_;
  int64_t interval_;
  int64_t steps_ = 0;
};

absl::StatusOr<std::unique_ptr<LossTerm>> ReadR1(ConfigReader& options) {
  const double weight = ReadTermWeight(options, 10.0);
  int64_t interval = 1;
  options.Read("interval", &interval);
  RequirePositive(options, "interval", static_cast<double>(interval));
  if (interval > 1) return std::make_unique<LazyR1Term>(weight, interval);
  return std::make_unique<GradientPenaltyTerm>([weight](const Critic& critic, StepContext& step) {
    return R1Penalty(critic, step.real(), weight);
  });
}

GAN_REGISTER_LOSS_TERM("wgan_gp", ReadWganGp);
GAN_REGISTER_LOSS_TERM("dragan", ReadDragan);
GAN_REGISTER_LOSS_TERM("r1", ReadR1);

}  // namespace
}  // namespace gan
