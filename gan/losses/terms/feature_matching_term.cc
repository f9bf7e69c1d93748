// Feature matching (Salimans et al. 2016; gan/losses/feature_matching.h) as G's loss:
//   "feature_matching": {}   ||E[f(x_real)] - E[f(G(z))]||_2^2 instead of G's adversarial loss
// f is D's features (DiscriminatorModule::features); the real side is computed without a
// graph. D's step keeps the adversarial loss.
#include <memory>

#include "gan/losses/feature_matching.h"
#include "gan/losses/terms/loss_term.h"

namespace gan {
namespace {

class FeatureMatchingTerm : public LossTerm {
 public:
  torch::Tensor Generator(StepContext& step) override {
    torch::Tensor real_features;
    {
      torch::NoGradGuard no_grad;
      real_features = step.discriminator().features(step.real(), step.labels());
    }
    return FeatureMatchingLoss(real_features,
                               step.discriminator().features(step.fakes(), step.labels()));
  }
  bool replaces_generator_loss() const override { return true; }
};

absl::StatusOr<std::unique_ptr<LossTerm>> ReadFeatureMatching(ConfigReader&) {
  return std::make_unique<FeatureMatchingTerm>();
}

GAN_REGISTER_LOSS_TERM("feature_matching", ReadFeatureMatching);

}  // namespace
}  // namespace gan
