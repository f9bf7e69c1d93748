// PGGAN's drift term (Karras et al. 2018) as a D term, not logged:
//   "drift": {"weight": 0.001}   + weight * mean(D(x_real)^2)
// It keeps a Wasserstein critic's outputs from drifting far from 0 (PGGAN: 0.001). The
// square is taken in float32, so that it does not overflow under fp16 autocast.
#include <memory>

#include "gan/losses/terms/loss_term.h"

namespace gan {
namespace {

class DriftTerm : public LossTerm {
 public:
  explicit DriftTerm(double weight) : weight_(weight) {}
  torch::Tensor Discriminator(StepContext& step) override {
    return weight_ * step.output().logits.to(torch::kFloat).square().mean();
  }

 private:
  double weight_;
};

absl::StatusOr<std::unique_ptr<LossTerm>> ReadDrift(ConfigReader& options) {
  return std::make_unique<DriftTerm>(ReadTermWeight(options, 0.001));
}

GAN_REGISTER_LOSS_TERM("drift", ReadDrift);

}  // namespace
}  // namespace gan
