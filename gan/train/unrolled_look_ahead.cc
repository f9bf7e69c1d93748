#include "gan/train/unrolled_look_ahead.h"

#include <utility>

#include "gan/core/random_state.h"
#include "gan/train/optimization.h"
#include "gan/train/unrolled_gradient.h"

namespace gan {
namespace {

// A module's parameters, then its buffers, as copies; and back.
std::vector<torch::Tensor> CopyTensors(const torch::nn::Module& module) {
  std::vector<torch::Tensor> copies;
  for (const auto& t : module.parameters()) copies.push_back(t.detach().clone());
  for (const auto& t : module.buffers()) copies.push_back(t.detach().clone());
  return copies;
}

void RestoreTensors(torch::nn::Module& module, const std::vector<torch::Tensor>& copies) {
  torch::NoGradGuard no_grad;
  size_t i = 0;
  for (auto& t : module.parameters()) t.copy_(copies[i++]);
  for (auto& t : module.buffers()) t.copy_(copies[i++]);
}

}  // namespace

UnrolledLookAhead::UnrolledLookAhead(torch::nn::Module& generator,
                                     torch::nn::Module& discriminator,
                                     OptimizerStep& discriminator_step,
                                     const torch::Device& device, int steps, bool second_order,
                                     LookAheadHooks hooks)
    : generator_(generator),
      discriminator_(discriminator),
      discriminator_step_(discriminator_step),
      device_(device),
      hooks_(std::move(hooks)),
      discriminator_before_(CopyTensors(discriminator)),
      optimizer_before_(discriminator_step) {
  const std::function<void()> restore_state = hooks_.capture_state();
  for (int k = 0; k < steps; ++k) {
    if (second_order) {
      starts_.push_back({CopyTensors(discriminator_), RandomState(device_), hooks_.capture_state()});
    }
    const bool taken = hooks_.discriminator_step();
    if (second_order) starts_.back().taken = taken;
  }
  restore_state();
}

void UnrolledLookAhead::BackpropagateThroughSteps() {
  std::vector<torch::Tensor> theta, v, phi;
  for (const torch::Tensor& p : discriminator_.parameters()) {
    if (!p.requires_grad()) continue;  // frozen
    theta.push_back(p);
    v.push_back(p.grad().defined() ? p.grad().detach().clone() : torch::Tensor());
  }
  for (const torch::Tensor& p : generator_.parameters()) {
    if (p.requires_grad()) phi.push_back(p);
  }
  // The replays run G in training mode and the terms again: what they change is put back.
  const std::vector<torch::Tensor> generator_tensors = CopyTensors(generator_);
  const std::function<void()> restore_state = hooks_.capture_state();
  const torch::Tensor random_state = RandomState(device_);
  const double lr =
      discriminator_step_.optimizer().param_groups().front().options().get_lr();
  const std::vector<torch::Tensor> through = GradientThroughDescentSteps(
      theta, phi, static_cast<int>(starts_.size()), lr, std::move(v), [&](int k) {
        const StepStart& start = starts_[k];
        if (!start.taken) return torch::Tensor();
        RestoreTensors(discriminator_, start.discriminator);
        SetRandomState(device_, start.random_state);
        start.restore_state();
        return hooks_.discriminator_objective();
      });
  for (size_t j = 0; j < phi.size(); ++j) {
    torch::Tensor& grad = phi[j].mutable_grad();
    grad = grad.defined() ? grad + through[j] : through[j];
  }
  RestoreTensors(generator_, generator_tensors);
  SetRandomState(device_, random_state);
  restore_state();
}

void UnrolledLookAhead::Undo() {
  RestoreTensors(discriminator_, discriminator_before_);
  optimizer_before_.Restore(discriminator_step_);
  ClearGradients(discriminator_);
}

}  // namespace gan
