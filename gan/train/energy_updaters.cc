#include "gan/train/energy_updaters.h"

#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "gan/core/strict_load.h"

namespace gan {
AutoencoderGanUpdater::AutoencoderGanUpdater(Generator generator, Autoencoder discriminator,
                                             OptimizerOptions optimizer_g, OptimizerOptions optimizer_d,
                                             torch::Device device)
    : generator_(std::move(generator)), discriminator_(std::move(discriminator)), device_(device) {
  generator_->to(device_);
  discriminator_->to(device_);
  generator_->train();
  discriminator_->train();
  optimizer_g_ = MakeOptimizer(*generator_, optimizer_g);
  optimizer_d_ = MakeOptimizer(*discriminator_, optimizer_d);
}

torch::Tensor AutoencoderGanUpdater::Fakes(int64_t n, bool with_graph) {
  const torch::Tensor z = generator_->SampleLatent(n, device_);
  if (with_graph) return generator_->forward(z);
  torch::NoGradGuard no_grad;
  return generator_->forward(z);
}

void AutoencoderGanUpdater::StepGenerator(const torch::Tensor& loss) {
  ClearGradients(*generator_);
  loss.backward();
  SetRequiresGrad(*discriminator_, true);
  optimizer_g_->step();
}

void AutoencoderGanUpdater::StepDiscriminator(const torch::Tensor& loss) {
  ClearGradients(*discriminator_);
  loss.backward();
  optimizer_d_->step();
}

void AutoencoderGanUpdater::Save(torch::serialize::OutputArchive& archive) const {
  SaveGanPair(archive, *generator_, *discriminator_, *optimizer_g_, *optimizer_d_);
}

void AutoencoderGanUpdater::Load(torch::serialize::InputArchive& archive) {
  LoadGanPair(archive, *generator_, *discriminator_, *optimizer_g_, *optimizer_d_, device_);
}

EbganUpdater::EbganUpdater(Generator generator, Autoencoder discriminator, EbganOptions options,
                           OptimizerOptions optimizer_g, OptimizerOptions optimizer_d, torch::Device device)
    : AutoencoderGanUpdater(std::move(generator), std::move(discriminator), optimizer_g, optimizer_d,
                            device),
      options_(options) {}

std::map<std::string, torch::Tensor> EbganUpdater::Update(const Batch& batch, int64_t) {
  const torch::Tensor real = batch.images.to(device_);
  const int64_t n = real.size(0);
  const torch::Tensor fakes = Fakes(n, /*with_graph=*/false);
  const torch::Tensor real_energy = SquaredReconstructionError(real, discriminator_->forward(real));
  const torch::Tensor fake_energy =
      SquaredReconstructionError(fakes, discriminator_->forward(fakes));
  const torch::Tensor loss_d = EbganDiscriminatorLoss(real_energy, fake_energy, options_.margin);
  StepDiscriminator(loss_d);

  const torch::Tensor generated = Fakes(n, /*with_graph=*/true);
  SetRequiresGrad(*discriminator_, false);
  const torch::Tensor code = discriminator_->Encode(generated);
  const torch::Tensor energy = SquaredReconstructionError(generated, discriminator_->Decode(code));
  const torch::Tensor loss_g = EbganGeneratorLoss(energy, code, options_.pull_away_weight);
  StepGenerator(loss_g);
  return {{"loss_d", loss_d.detach()},
          {"loss_g", loss_g.detach()},
          {"energy_real", real_energy.mean().detach()},
          {"energy_fake", fake_energy.mean().detach()}};
}

BeganUpdater::BeganUpdater(Generator generator, Autoencoder discriminator, BeganOptions options,
                           OptimizerOptions optimizer_g, OptimizerOptions optimizer_d, torch::Device device)
    : AutoencoderGanUpdater(std::move(generator), std::move(discriminator), optimizer_g, optimizer_d,
                            device),
      equilibrium_(options.gamma, options.lambda_k) {}

std::map<std::string, torch::Tensor> BeganUpdater::Update(const Batch& batch, int64_t) {
  const torch::Tensor real = batch.images.to(device_);
  const int64_t n = real.size(0);
  const torch::Tensor fakes = Fakes(n, /*with_graph=*/false);
  const torch::Tensor real_loss =
      AbsoluteReconstructionError(real, discriminator_->forward(real)).mean();
  const torch::Tensor fake_loss =
      AbsoluteReconstructionError(fakes, discriminator_->forward(fakes)).mean();
  const torch::Tensor loss_d = equilibrium_.DiscriminatorLoss(real_loss, fake_loss);
  StepDiscriminator(loss_d);

  const torch::Tensor generated = Fakes(n, /*with_graph=*/true);
  SetRequiresGrad(*discriminator_, false);
  const torch::Tensor loss_g =
      AbsoluteReconstructionError(generated, discriminator_->forward(generated)).mean();
  StepGenerator(loss_g);
  const torch::Tensor m_global = equilibrium_.Update(real_loss, loss_g);
  return {{"loss_d", loss_d.detach()},
          {"loss_g", loss_g.detach()},
          {"k", equilibrium_.k_tensor().clone()},
          {"m_global", m_global}};
}

void BeganUpdater::Save(torch::serialize::OutputArchive& archive) const {
  AutoencoderGanUpdater::Save(archive);
  archive.write("began_k", equilibrium_.k_tensor().to(torch::kCPU));
}

void BeganUpdater::Load(torch::serialize::InputArchive& archive) {
  AutoencoderGanUpdater::Load(archive);
  const torch::Tensor k = ReadTensorStrictly(archive, "began_k", "checkpoint");
  TORCH_CHECK(k.numel() == 1 && k.is_floating_point(), "checkpoint 'began_k' is ",
              k.scalar_type(), k.sizes(), ", not one number");
  equilibrium_.set_k(k.reshape({}).to(device_));
}

absl::StatusOr<std::unique_ptr<Updater>> EnergyUpdaterFor(
    const EnergyLoss& loss, Generator generator, Autoencoder discriminator,
    OptimizerOptions optimizer_g, OptimizerOptions optimizer_d, torch::Device device) {
  switch (loss.kind) {
    case EnergyLoss::kEbgan:
      return std::unique_ptr<Updater>(
          std::make_unique<EbganUpdater>(std::move(generator), std::move(discriminator),
                                         loss.ebgan, optimizer_g, optimizer_d, device));
    case EnergyLoss::kBegan:
      return std::unique_ptr<Updater>(
          std::make_unique<BeganUpdater>(std::move(generator), std::move(discriminator),
                                         loss.began, optimizer_g, optimizer_d, device));
  }
  return absl::InternalError(absl::StrCat("energy loss '", loss.name, "' has no updater"));
}

}  // namespace gan
