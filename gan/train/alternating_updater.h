// The standard alternating GAN update: a D step on every batch and a G step every
// n_dis-th batch, with separate Adam settings for G and D (TTUR), in either order:
//   - D first (the common form): D on real and fresh fakes, then G on new latents.
//   - G first (seed 000): G steps on fresh fakes, then D reuses those fakes, detached.
// During the G step D's parameters are excluded from autograd, so D accumulates no
// gradients there (and no time is spent computing them).
//
//   gan::AlternatingUpdater updater(g, d, *gan::AdversarialLossByName("hinge"), options);
//   auto losses = updater.Update(batch, iteration);
#ifndef GAN_TRAIN_ALTERNATING_UPDATER_H_
#define GAN_TRAIN_ALTERNATING_UPDATER_H_

#include <memory>

#include <torch/torch.h>

#include "gan/losses/adversarial_loss.h"
#include "gan/train/updater.h"

namespace gan {

struct AdamOptions {
  double lr = 2e-4;
  double beta1 = 0.5;
  double beta2 = 0.999;
};

struct AlternatingUpdaterOptions {
  bool generator_first = false;
  int n_dis = 1;  // D steps per G step
  AdamOptions adam_g;
  AdamOptions adam_d;
  torch::Device device = torch::kCPU;
};

class AlternatingUpdater : public Updater {
 public:
  AlternatingUpdater(Generator generator, Discriminator discriminator, AdversarialLoss loss,
                     AlternatingUpdaterOptions options);

  std::map<std::string, torch::Tensor> Update(const Batch& batch, int64_t iteration) override;
  void Save(torch::serialize::OutputArchive& archive) const override;
  void Load(torch::serialize::InputArchive& archive) override;
  const Generator& generator() const override { return generator_; }
  const Discriminator& discriminator() const override { return discriminator_; }
  torch::Device device() const override { return options_.device; }

  // The two halves of an iteration, public for tests and composite updaters.
  // GeneratorStep returns (loss, the fakes it made, detached).
  std::pair<torch::Tensor, torch::Tensor> GeneratorStep(int64_t batch_size,
                                                        const torch::Tensor& labels);
  // `fakes` undefined: draws fresh ones without building G's graph.
  torch::Tensor DiscriminatorStep(const torch::Tensor& real, const torch::Tensor& labels,
                                  torch::Tensor fakes);

  torch::optim::Adam& generator_optimizer() { return *optimizer_g_; }
  torch::optim::Adam& discriminator_optimizer() { return *optimizer_d_; }

 private:
  Generator generator_;
  Discriminator discriminator_;
  AdversarialLoss loss_;
  AlternatingUpdaterOptions options_;
  std::unique_ptr<torch::optim::Adam> optimizer_g_;
  std::unique_ptr<torch::optim::Adam> optimizer_d_;
};

// Sets requires_grad on every parameter of `module`.
void SetRequiresGrad(torch::nn::Module& module, bool requires_grad);
// Drops gradients (cheaper than zeroing them, and leaves no stale values).
void ClearGradients(torch::nn::Module& module);

}  // namespace gan

#endif  // GAN_TRAIN_ALTERNATING_UPDATER_H_
