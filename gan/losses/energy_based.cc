#include "gan/losses/energy_based.h"

#include <torch/nn/functional/normalization.h>

namespace gan {

torch::Tensor SquaredReconstructionError(const torch::Tensor& images,
                                         const torch::Tensor& reconstructions) {
  return (reconstructions - images).pow(2).flatten(1).mean(1);
}

torch::Tensor AbsoluteReconstructionError(const torch::Tensor& images,
                                          const torch::Tensor& reconstructions) {
  return (reconstructions - images).abs().flatten(1).mean(1);
}

torch::Tensor PullAwayTerm(const torch::Tensor& embeddings) {
  const int64_t n = embeddings.size(0);
  TORCH_CHECK(n >= 2, "PullAwayTerm needs a batch of at least 2, got ", n);
  const torch::Tensor unit = torch::nn::functional::normalize(
      embeddings.flatten(1), torch::nn::functional::NormalizeFuncOptions().dim(1));
  const torch::Tensor cosine_squared = unit.matmul(unit.t()).pow(2);
  // The diagonal is exactly 1 (|S_i.S_i| / |S_i|^2); subtract it rather than mask it.
  return (cosine_squared.sum() - cosine_squared.diagonal().sum()) / (n * (n - 1));
}

torch::Tensor EbganDiscriminatorLoss(const torch::Tensor& real_energy,
                                     const torch::Tensor& fake_energy, double margin) {
  return real_energy.mean() + torch::relu(margin - fake_energy).mean();
}

torch::Tensor EbganGeneratorLoss(const torch::Tensor& fake_energy,
                                 const torch::Tensor& fake_embeddings, double pull_away_weight) {
  torch::Tensor loss = fake_energy.mean();
  if (pull_away_weight != 0) loss = loss + pull_away_weight * PullAwayTerm(fake_embeddings);
  return loss;
}

torch::Tensor BeganEquilibrium::DiscriminatorLoss(const torch::Tensor& real_loss,
                                                 const torch::Tensor& fake_loss) const {
  return real_loss - k_.to(fake_loss.device(), fake_loss.scalar_type()) * fake_loss;
}

torch::Tensor BeganEquilibrium::Update(const torch::Tensor& real_loss,
                                       const torch::Tensor& fake_loss) {
  const torch::Tensor real = real_loss.detach().to(torch::kDouble);
  const torch::Tensor balance = gamma_ * real - fake_loss.detach().to(torch::kDouble);
  k_ = (k_.to(balance.device()) + lambda_k_ * balance).clamp(0.0, 1.0);
  return real + balance.abs();
}

std::vector<std::string> EnergyLossNames() { return {"began", "ebgan"}; }

absl::StatusOr<EnergyLoss> ReadEnergyLoss(const std::string& name, ConfigReader& options) {
  EnergyLoss loss;
  loss.name = name;
  if (name == "ebgan") {
    loss.kind = EnergyLoss::kEbgan;
    options.Read("margin", &loss.ebgan.margin);
    options.Read("pull_away_weight", &loss.ebgan.pull_away_weight);
    RequireNonNegative(options, "margin", loss.ebgan.margin);
    RequireNonNegative(options, "pull_away_weight", loss.ebgan.pull_away_weight);
  } else if (name == "began") {
    loss.kind = EnergyLoss::kBegan;
    options.Read("gamma", &loss.began.gamma);
    options.Read("lambda_k", &loss.began.lambda_k);
    RequireNonNegative(options, "gamma", loss.began.gamma);
    RequireNonNegative(options, "lambda_k", loss.began.lambda_k);
  } else {
    return absl::InvalidArgumentError("'" + name + "' is not an energy-based loss (ebgan, began)");
  }
  return loss;
}

}  // namespace gan
