#include "gan/losses/adversarial_loss.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gan/losses/bce.h"
#include "gan/losses/hinge.h"
#include "gan/losses/least_squares.h"
#include "gan/losses/wasserstein.h"

namespace gan {
namespace {

AdversarialLoss LeastSquares(const std::string& name, LeastSquaresTargets targets) {
  return {name,
          [targets](const torch::Tensor& real, const torch::Tensor& fake) {
            return LeastSquaresDiscriminatorLoss(real, fake, targets);
          },
          [targets](const torch::Tensor& fake) {
            return LeastSquaresGeneratorLoss(fake, targets);
          }};
}

}  // namespace

absl::StatusOr<AdversarialLoss> AdversarialLossByName(const std::string& name,
                                                      const AdversarialLossOptions& options) {
  const bool smoothed = options.real_target != 1.0 || options.fake_target != 0.0;
  if (name == "bce" || name == "bce_minimax") {
    AdversarialLoss loss{name, BceDiscriminatorLoss,
                         name == "bce" ? BceGeneratorLoss : MinimaxGeneratorLoss};
    if (smoothed) {
      loss.discriminator = [options](const torch::Tensor& real, const torch::Tensor& fake) {
        return SmoothedBceDiscriminatorLoss(real, fake, options.real_target, options.fake_target);
      };
    }
    return loss;
  }
  if (smoothed) {
    return absl::InvalidArgumentError(absl::StrCat(
        "label smoothing (real_target ", options.real_target, ", fake_target ",
        options.fake_target, ") applies to the bce losses only, not '", name, "'"));
  }
  if (name == "hinge") return AdversarialLoss{name, HingeDiscriminatorLoss, HingeGeneratorLoss};
  if (name == "lsgan") return LeastSquares(name, kLeastSquaresZeroOne);
  if (name == "lsgan_m101") return LeastSquares(name, kLeastSquaresMinusOneOneZero);
  if (name == "wasserstein") {
    return AdversarialLoss{name, WassersteinDiscriminatorLoss, WassersteinGeneratorLoss};
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "loss '", name,
      "' is not one of ", absl::StrJoin(AdversarialLossNames(), ", ")));
}

std::vector<std::string> AdversarialLossNames() {
  return {"bce", "bce_minimax", "hinge", "lsgan", "lsgan_m101", "wasserstein"};
}

absl::StatusOr<AdversarialLoss> ReadAdversarialLoss(const std::string& name,
                                                    ConfigReader& options) {
  AdversarialLossOptions targets;
  options.Read("real_target", &targets.real_target);
  options.Read("fake_target", &targets.fake_target);
  for (const auto& [key, value] :
       {std::pair{"real_target", targets.real_target}, {"fake_target", targets.fake_target}}) {
    if (value < 0 || value > 1) options.Invalid(key, absl::StrCat("must be in [0, 1], got ", value));
  }
  return AdversarialLossByName(name, targets);
}

}  // namespace gan
