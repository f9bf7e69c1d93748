// Energy-based discriminators whose energy is an autoencoder's reconstruction error.
//
// EBGAN (Zhao et al. 2017), energy E(x) = mean squared reconstruction error:
//   D: E(x_real) + relu(m - E(G(z)))
//   G: E(G(z)) + lambda_PT * PT(S),  S = encoder embeddings of G(z)
// The pull-away term PT(S) = 1/(bs(bs-1)) sum_i sum_{j != i} (S_i.S_j / |S_i||S_j|)^2 is
// normalized by bs(bs-1), the number of pairs i != j (the i = j terms are excluded).
//
// BEGAN (Berthelot et al.), energy L(x) = mean absolute reconstruction error:
//   D: L(x_real) - k_t L(G(z)),  G: L(G(z)),
//   k_{t+1} = clamp(k_t + lambda_k (gamma L(x_real) - L(G(z))), 0, 1),
//   M_global = L(x_real) + |gamma L(x_real) - L(G(z))|   (convergence measure)
#ifndef GAN_LOSSES_ENERGY_BASED_H_
#define GAN_LOSSES_ENERGY_BASED_H_

#include <string>
#include <vector>

#include <torch/types.h>

#include "absl/status/statusor.h"
#include "gan/core/config.h"

namespace gan {

struct EbganOptions {
  double margin = 1.0;             // m, in units of per-pixel mean squared error
  double pull_away_weight = 0.1;   // lambda_PT (the paper: 0.1); 0 disables the term
};

struct BeganOptions {
  double gamma = 0.5;      // diversity ratio E[L(G(z))] / E[L(x)] aimed for
  double lambda_k = 1e-3;  // k_t's learning rate
};

// An energy-based loss as a config names it, with its options:
//   "ebgan": {"margin": 1.0, "pull_away_weight": 0.1}
//   "began": {"gamma": 0.5, "lambda_k": 0.001}
struct EnergyLoss {
  enum Kind { kEbgan, kBegan };
  std::string name;
  Kind kind = kEbgan;
  EbganOptions ebgan;
  BeganOptions began;
};

// "began", "ebgan".
std::vector<std::string> EnergyLossNames();

// Reads the options of energy loss `name` (one of EnergyLossNames()) from `options`,
// recording invalid values there.
absl::StatusOr<EnergyLoss> ReadEnergyLoss(const std::string& name, ConfigReader& options);

// Per-sample reconstruction errors [N]: mean over all pixels.
torch::Tensor SquaredReconstructionError(const torch::Tensor& images,
                                         const torch::Tensor& reconstructions);
torch::Tensor AbsoluteReconstructionError(const torch::Tensor& images,
                                          const torch::Tensor& reconstructions);

torch::Tensor PullAwayTerm(const torch::Tensor& embeddings);

// Energies are the per-sample errors [N]; returns scalars.
torch::Tensor EbganDiscriminatorLoss(const torch::Tensor& real_energy,
                                     const torch::Tensor& fake_energy, double margin);
torch::Tensor EbganGeneratorLoss(const torch::Tensor& fake_energy,
                                 const torch::Tensor& fake_embeddings, double pull_away_weight);

// BEGAN's equilibrium control variable k_t, kept as a device scalar so that training
// needs no host sync per step.
class BeganEquilibrium {
 public:
  BeganEquilibrium(double gamma = 0.5, double lambda_k = 1e-3, double k = 0.0)
      : gamma_(gamma), lambda_k_(lambda_k), k_(torch::tensor(k, torch::kDouble)) {}
  double k() const { return k_.item<double>(); }
  const torch::Tensor& k_tensor() const { return k_; }
  void set_k(const torch::Tensor& k) { k_ = k.detach().to(torch::kDouble); }
  double gamma() const { return gamma_; }

  // D loss for the current k_t (real_loss, fake_loss: batch means of L).
  torch::Tensor DiscriminatorLoss(const torch::Tensor& real_loss,
                                  const torch::Tensor& fake_loss) const;
  // Advances k_t from this step's losses; returns M_global (a scalar tensor).
  torch::Tensor Update(const torch::Tensor& real_loss, const torch::Tensor& fake_loss);

 private:
  double gamma_;
  double lambda_k_;
  torch::Tensor k_;
};

}  // namespace gan

#endif  // GAN_LOSSES_ENERGY_BASED_H_
