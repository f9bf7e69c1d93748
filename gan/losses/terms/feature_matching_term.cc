// Feature matching (Salimans et al. 2016; gan/losses/feature_matching.h) as G's loss,
// instead of G's adversarial loss:
//   "feature_matching": {"distance": "mean_absolute"}  mean |E[f(x_real)] - E[f(G(z))]|
//   "feature_matching": {"distance": "squared_l2"}     ||E[f(x_real)] - E[f(G(z))]||_2^2
// The mean absolute difference is what the authors' released code (which produced the
// published results) and PyTorch-StudioGAN compute, and the default; the squared L2
// distance is the paper's formula. f is D's
// features (DiscriminatorModule::features); the real side is computed without a graph.
// D's step keeps the adversarial loss.
#include <memory>
#include <string>

#include "gan/losses/feature_matching.h"
#include "gan/losses/terms/loss_term.h"

namespace gan {
namespace {

using FeatureDistance = torch::Tensor (*)(const torch::Tensor&, const torch::Tensor&);

class FeatureMatchingTerm : public LossTerm {
 public:
  explicit FeatureMatchingTerm(FeatureDistance distance) : distance_(distance) {}
  torch::Tensor Generator(StepContext& step) override {
    torch::Tensor real_features;
    {
      torch::NoGradGuard no_grad;
      real_features = step.discriminator().features(step.DiscriminatorView(step.real()), step.labels());
    }
    return distance_(real_features, step.discriminator().features(step.DiscriminatorView(step.fakes()), step.labels()));
  }
  bool replaces_generator_loss() const override { return true; }
  bool needs_whole_batch() const override { return true; }  // batch means compared

 private:
  FeatureDistance distance_;
};

absl::StatusOr<std::unique_ptr<LossTerm>> ReadFeatureMatching(ConfigReader& options) {
  std::string distance = "mean_absolute";
  options.Read("distance", &distance);
  if (distance == "squared_l2") return std::make_unique<FeatureMatchingTerm>(FeatureMatchingLoss);
  if (distance == "mean_absolute") {
    return std::make_unique<FeatureMatchingTerm>(MeanAbsoluteFeatureMatchingLoss);
  }
  options.Invalid("distance", "must be squared_l2 or mean_absolute, got '" + distance + "'");
  return std::make_unique<FeatureMatchingTerm>(FeatureMatchingLoss);
}

GAN_REGISTER_LOSS_TERM("feature_matching", ReadFeatureMatching);

}  // namespace
}  // namespace gan
