// The gradient penalties of gan/losses/gradient_penalty.h as D terms, logged as
// "penalty_d":
//   "wgan_gp": {"weight": 10}                      WGAN-GP's lambda
//   "dragan":  {"weight": 10, "perturbation": 0.5}  DRAGAN's lambda and c
//   "r1":      {"weight": 10}                      R1's gamma
#include <memory>
#include <utility>

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

absl::StatusOr<std::unique_ptr<LossTerm>> ReadR1(ConfigReader& options) {
  const double weight = ReadTermWeight(options, 10.0);
  return std::make_unique<GradientPenaltyTerm>([weight](const Critic& critic, StepContext& step) {
    return R1Penalty(critic, step.real(), weight);
  });
}

GAN_REGISTER_LOSS_TERM("wgan_gp", ReadWganGp);
GAN_REGISTER_LOSS_TERM("dragan", ReadDragan);
GAN_REGISTER_LOSS_TERM("r1", ReadR1);

}  // namespace
}  // namespace gan
