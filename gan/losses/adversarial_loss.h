// A (discriminator loss, generator loss) pair chosen by name, as configs name them:
//   bce          D: BCE (optionally label-smoothed), G: non-saturating BCE
//   bce_minimax  D: BCE, G: minimax log(1 - D(G(z)))
//   hinge        SPADE/SAGAN hinge
//   lsgan        least squares, targets a,b,c = 0,1,1
//   lsgan_m101   least squares, targets a,b,c = -1,1,0
//   wasserstein  WGAN critic (needs clipping or a penalty)
//
//   ASSIGN_OR_RETURN(gan::AdversarialLoss loss, gan::AdversarialLossByName("hinge"));
//   torch::Tensor d_loss = loss.discriminator(d_real, d_fake);
#ifndef GAN_LOSSES_ADVERSARIAL_LOSS_H_
#define GAN_LOSSES_ADVERSARIAL_LOSS_H_

#include <functional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "absl/status/statusor.h"
#include "gan/core/config.h"

namespace gan {

struct AdversarialLoss {
  std::string name;
  std::function<torch::Tensor(const torch::Tensor& real_logits,
                              const torch::Tensor& fake_logits)>
      discriminator;
  std::function<torch::Tensor(const torch::Tensor& fake_logits)> generator;
};

// Label smoothing for the BCE losses: D's targets for real and fake (1 and 0 unsmoothed).
struct AdversarialLossOptions {
  double real_target = 1.0;
  double fake_target = 0.0;
};

// Errors name the unknown loss, or targets set for a loss that has none.
absl::StatusOr<AdversarialLoss> AdversarialLossByName(const std::string& name,
                                                      const AdversarialLossOptions& options = {});

// The names AdversarialLossByName knows, sorted.
std::vector<std::string> AdversarialLossNames();

// Reads the options of loss `name` from its config section ("real_target", "fake_target",
// each in [0, 1]), recording invalid values on `options`, and builds it.
absl::StatusOr<AdversarialLoss> ReadAdversarialLoss(const std::string& name,
                                                    ConfigReader& options);

}  // namespace gan

#endif  // GAN_LOSSES_ADVERSARIAL_LOSS_H_
