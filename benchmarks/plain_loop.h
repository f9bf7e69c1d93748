// The baseline the train-step benchmarks compare against: one GAN training iteration
// written the plain way reference code writes it, with the same networks, loss, batch
// and Adam settings (lr 2e-4, betas 0.5, 0.999) as gan::AlternatingUpdater, so the math
// is the same (tests check that the losses and weights agree).
//   generator_first = true mimics a PyTorch loop that updates G first (G step on fresh fakes, then
//     D on the real batch and those fakes, detached);
//   generator_first = false mimics LibTorch's C++ DCGAN example (D step, then G step).
// What makes it "plain", as in those references: D's parameters keep requires_grad
// during the G step, so D accumulates weight gradients there that are thrown away;
// optimizer.zero_grad() before every backward; `.item()` of both losses every
// iteration; the D step's fakes come from G with autograd on (then detached); default
// (contiguous) memory format; and whatever thread count the process has (the caller
// sets none; OpenMP here starts with one thread). One deviation from the example,
// for identical math: its G step reuses the D step's fakes, this loop (like the
// updater) draws fresh ones.
//
//   gan::PlainLoop loop(g, d, *gan::AdversarialLossByName("hinge"), /*generator_first=*/true);
//   auto [loss_g, loss_d] = loop.Iteration(real_images);
#ifndef BENCHMARKS_PLAIN_LOOP_H_
#define BENCHMARKS_PLAIN_LOOP_H_

#include <memory>
#include <utility>

#include <torch/optim/adam.h>

#include "gan/losses/adversarial_loss.h"
#include "gan/networks/gan_modules.h"

namespace gan {

class PlainLoop {
 public:
  PlainLoop(Generator generator, Discriminator discriminator, AdversarialLoss loss,
            bool generator_first);

  // One D step and one G step on `real`; returns (G's loss, D's loss).
  std::pair<float, float> Iteration(const torch::Tensor& real);

 private:
  Generator generator_;
  Discriminator discriminator_;
  AdversarialLoss loss_;
  bool generator_first_;
  torch::optim::Adam optimizer_g_;
  torch::optim::Adam optimizer_d_;
};

}  // namespace gan

#endif  // BENCHMARKS_PLAIN_LOOP_H_
