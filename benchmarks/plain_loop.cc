#include "benchmarks/plain_loop.h"

namespace gan {
namespace {

torch::optim::AdamOptions PlainAdam() {
  return torch::optim::AdamOptions(2e-4).betas(std::make_tuple(0.5, 0.999));
}

}  // namespace

PlainLoop::PlainLoop(Generator generator, Discriminator discriminator, AdversarialLoss loss,
                     bool generator_first)
    : generator_(std::move(generator)),
      discriminator_(std::move(discriminator)),
      loss_(std::move(loss)),
      generator_first_(generator_first),
      optimizer_g_(generator_->parameters(), PlainAdam()),
      optimizer_d_(discriminator_->parameters(), PlainAdam()) {
  generator_->train();
  discriminator_->train();
}

std::pair<float, float> PlainLoop::Iteration(const torch::Tensor& real) {
  const int64_t n = real.size(0);
  if (generator_first_) {
    // G first: fakes, G's loss against D, both optimizers' zero_grad, G steps; then D on
    // the real batch and the same fakes, detached.
    const torch::Tensor fake = generator_->forward(generator_->SampleLatent(n, real.device()));
    const torch::Tensor fake_detached = fake.detach();
    const torch::Tensor loss_g = loss_.generator(discriminator_->forward(fake));
    const float loss_g_value = loss_g.item<float>();
    optimizer_d_.zero_grad();
    optimizer_g_.zero_grad();
    loss_g.backward();  // D's weight gradients too: D keeps requires_grad
    optimizer_g_.step();

    const torch::Tensor loss_d = loss_.discriminator(discriminator_->forward(real),
                                                     discriminator_->forward(fake_detached));
    const float loss_d_value = loss_d.item<float>();
    optimizer_d_.zero_grad();
    optimizer_g_.zero_grad();
    loss_d.backward();
    optimizer_d_.step();
    return {loss_g_value, loss_d_value};
  }
  // LibTorch's DCGAN example: D on real and on fakes (made with autograd on, detached),
  // D steps; then G's loss against D, G steps; both losses printed with .item().
  optimizer_d_.zero_grad();
  const torch::Tensor real_logits = discriminator_->forward(real);
  const torch::Tensor fake = generator_->forward(generator_->SampleLatent(n, real.device()));
  const torch::Tensor loss_d =
      loss_.discriminator(real_logits, discriminator_->forward(fake.detach()));
  loss_d.backward();
  optimizer_d_.step();

  optimizer_g_.zero_grad();
  // The example reuses `fake` here; the updater draws fresh latents, and so does this.
  const torch::Tensor fresh = generator_->forward(generator_->SampleLatent(n, real.device()));
  const torch::Tensor loss_g = loss_.generator(discriminator_->forward(fresh));
  loss_g.backward();  // D's weight gradients too: D keeps requires_grad
  optimizer_g_.step();
  return {loss_g.item<float>(), loss_d.item<float>()};
}

}  // namespace gan
