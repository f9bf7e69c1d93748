// Updaters for energy-based GANs, whose discriminator is an autoencoder and whose energy
// is its reconstruction error (gan/losses/energy_based.h):
//   EbganUpdater  EBGAN (Zhao et al. 2017): margin loss for D, energy + pull-away term for G.
//   BeganUpdater  BEGAN: L1 energies, D loss L(x) - k_t L(G(z)), k_t updated every step
//                 and reported with the convergence measure M_global ("k", "m_global").
// Both run D first, then G with D's parameters excluded from autograd.
#ifndef GAN_TRAIN_ENERGY_UPDATERS_H_
#define GAN_TRAIN_ENERGY_UPDATERS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gan/losses/energy_based.h"
#include "gan/networks/gan_modules.h"
#include "gan/train/optimization.h"
#include "gan/train/updater.h"

namespace gan {

using Autoencoder = std::shared_ptr<AutoencoderModule>;

// What both share: networks, two optimizers, device, checkpointing.
class AutoencoderGanUpdater : public Updater {
 public:
  AutoencoderGanUpdater(Generator generator, Autoencoder discriminator, OptimizerOptions optimizer_g,
                        OptimizerOptions optimizer_d, torch::Device device);
  void Save(torch::serialize::OutputArchive& archive) const override;
  void Load(torch::serialize::InputArchive& archive) override;
  const Generator& generator() const override { return generator_; }
  torch::Device device() const override { return device_; }
  const Autoencoder& autoencoder() const { return discriminator_; }

 protected:
  // Zeroes G's gradients, backpropagates `loss` with D frozen, steps G.
  void StepGenerator(const torch::Tensor& loss);
  void StepDiscriminator(const torch::Tensor& loss);
  torch::Tensor Fakes(int64_t n, bool with_graph);

  Generator generator_;
  Autoencoder discriminator_;
  torch::Device device_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_g_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_d_;
};

class EbganUpdater : public AutoencoderGanUpdater {
 public:
  EbganUpdater(Generator generator, Autoencoder discriminator, EbganOptions options,
               OptimizerOptions optimizer_g, OptimizerOptions optimizer_d, torch::Device device);
  std::map<std::string, torch::Tensor> Update(const Batch& batch, int64_t iteration) override;

 private:
  EbganOptions options_;
};

class BeganUpdater : public AutoencoderGanUpdater {
 public:
  BeganUpdater(Generator generator, Autoencoder discriminator, BeganOptions options,
               OptimizerOptions optimizer_g, OptimizerOptions optimizer_d, torch::Device device);
  std::map<std::string, torch::Tensor> Update(const Batch& batch, int64_t iteration) override;
  void Save(torch::serialize::OutputArchive& archive) const override;
  void Load(torch::serialize::InputArchive& archive) override;
  const BeganEquilibrium& equilibrium() const { return equilibrium_; }

 private:
  BeganEquilibrium equilibrium_;
};

// The updater of the energy-based loss `loss` (gan/losses/energy_based.h).
absl::StatusOr<std::unique_ptr<Updater>> EnergyUpdaterFor(
    const EnergyLoss& loss, Generator generator, Autoencoder discriminator,
    OptimizerOptions optimizer_g, OptimizerOptions optimizer_d, torch::Device device);

}  // namespace gan

#endif  // GAN_TRAIN_ENERGY_UPDATERS_H_
