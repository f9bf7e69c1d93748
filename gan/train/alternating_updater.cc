#include "gan/train/alternating_updater.h"

#include <utility>

namespace gan {
namespace {

std::unique_ptr<torch::optim::Adam> MakeAdam(torch::nn::Module& module, const AdamOptions& o) {
  return std::make_unique<torch::optim::Adam>(
      module.parameters(),
      torch::optim::AdamOptions(o.lr).betas(std::make_tuple(o.beta1, o.beta2)));
}

}  // namespace

void SetRequiresGrad(torch::nn::Module& module, bool requires_grad) {
  for (auto& parameter : module.parameters()) parameter.requires_grad_(requires_grad);
}

void ClearGradients(torch::nn::Module& module) {
  for (auto& parameter : module.parameters()) parameter.mutable_grad().reset();
}

AlternatingUpdater::AlternatingUpdater(Generator generator, Discriminator discriminator,
                                       AdversarialLoss loss, AlternatingUpdaterOptions options)
    : generator_(std::move(generator)),
      discriminator_(std::move(discriminator)),
      loss_(std::move(loss)),
      options_(options) {
  TORCH_CHECK(options_.n_dis >= 1, "AlternatingUpdater: n_dis must be >= 1, got ",
              options_.n_dis);
  generator_->to(options_.device);
  discriminator_->to(options_.device);
  generator_->train();
  discriminator_->train();
  optimizer_g_ = MakeAdam(*generator_, options_.adam_g);
  optimizer_d_ = MakeAdam(*discriminator_, options_.adam_d);
}

std::pair<torch::Tensor, torch::Tensor> AlternatingUpdater::GeneratorStep(
    int64_t batch_size, const torch::Tensor& labels) {
  const torch::Tensor z = generator_->SampleLatent(batch_size, options_.device);
  const torch::Tensor fakes = generator_->forward(z, labels);
  SetRequiresGrad(*discriminator_, false);
  const torch::Tensor loss = loss_.generator(discriminator_->forward(fakes, labels));
  ClearGradients(*generator_);
  loss.backward();
  SetRequiresGrad(*discriminator_, true);
  optimizer_g_->step();
  return {loss.detach(), fakes.detach()};
}

torch::Tensor AlternatingUpdater::DiscriminatorStep(const torch::Tensor& real,
                                                    const torch::Tensor& labels,
                                                    torch::Tensor fakes) {
  if (!fakes.defined()) {
    torch::NoGradGuard no_grad;
    fakes = generator_->forward(generator_->SampleLatent(real.size(0), options_.device), labels);
  }
  const torch::Tensor real_logits = discriminator_->forward(real, labels);
  const torch::Tensor fake_logits = discriminator_->forward(fakes, labels);
  const torch::Tensor loss = loss_.discriminator(real_logits, fake_logits);
  ClearGradients(*discriminator_);
  loss.backward();
  optimizer_d_->step();
  return loss.detach();
}

std::map<std::string, torch::Tensor> AlternatingUpdater::Update(const Batch& batch,
                                                                int64_t iteration) {
  const torch::Tensor real = batch.images.to(options_.device, /*non_blocking=*/true);
  const torch::Tensor labels =
      batch.labels.defined() ? batch.labels.to(options_.device) : torch::Tensor();
  const int64_t batch_size = real.size(0);
  std::map<std::string, torch::Tensor> losses;
  if (options_.generator_first) {
    torch::Tensor fakes;
    if (iteration % options_.n_dis == 0) {
      std::tie(losses["loss_g"], fakes) = GeneratorStep(batch_size, labels);
    }
    losses["loss_d"] = DiscriminatorStep(real, labels, fakes);
  } else {
    losses["loss_d"] = DiscriminatorStep(real, labels, torch::Tensor());
    if ((iteration + 1) % options_.n_dis == 0) {
      losses["loss_g"] = GeneratorStep(batch_size, labels).first;
    }
  }
  return losses;
}

void AlternatingUpdater::Save(torch::serialize::OutputArchive& archive) const {
  torch::serialize::OutputArchive g, d, opt_g, opt_d;
  generator_->save(g);
  discriminator_->save(d);
  optimizer_g_->save(opt_g);
  optimizer_d_->save(opt_d);
  archive.write("generator", g);
  archive.write("discriminator", d);
  archive.write("optimizer_g", opt_g);
  archive.write("optimizer_d", opt_d);
}

void AlternatingUpdater::Load(torch::serialize::InputArchive& archive) {
  torch::serialize::InputArchive g, d, opt_g, opt_d;
  archive.read("generator", g);
  archive.read("discriminator", d);
  archive.read("optimizer_g", opt_g);
  archive.read("optimizer_d", opt_d);
  generator_->load(g);
  discriminator_->load(d);
  optimizer_g_->load(opt_g);
  optimizer_d_->load(opt_d);
  generator_->to(options_.device);
  discriminator_->to(options_.device);
}

}  // namespace gan
