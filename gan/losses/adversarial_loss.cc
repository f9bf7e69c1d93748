#include "gan/losses/adversarial_loss.h"

#include "absl/strings/str_cat.h"
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

absl::StatusOr<AdversarialLoss> AdversarialLossByName(const std::string& name) {
  if (name == "bce") return AdversarialLoss{name, BceDiscriminatorLoss, BceGeneratorLoss};
  if (name == "bce_minimax") {
    return AdversarialLoss{name, BceDiscriminatorLoss, MinimaxGeneratorLoss};
  }
  if (name == "hinge") return AdversarialLoss{name, HingeDiscriminatorLoss, HingeGeneratorLoss};
  if (name == "lsgan") return LeastSquares(name, kLeastSquaresZeroOne);
  if (name == "lsgan_m101") return LeastSquares(name, kLeastSquaresMinusOneOneZero);
  if (name == "wasserstein") {
    return AdversarialLoss{name, WassersteinDiscriminatorLoss, WassersteinGeneratorLoss};
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "loss '", name,
      "' is not one of bce, bce_minimax, hinge, lsgan, lsgan_m101, wasserstein"));
}

}  // namespace gan
