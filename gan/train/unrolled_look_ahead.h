// The unrolled GAN's look-ahead (Metz et al. 2017) for one of G's steps: D advanced K
// more steps on the current real batch, so that G's loss is taken against the D it will
// face; then D, its optimizer and its step count are taken back, so the look-ahead never
// reaches D's real weights or a checkpoint. First order treats the advanced D as fixed;
// second order also adds the part of G's gradient that flows back through the K steps
// (gan/train/unrolled_gradient.h), replaying each step from where it started: D's
// tensors, the random-number state (the step's draws) and the caller's state.
//
//   gan::UnrolledLookAhead look_ahead(g, d, d_step, device, k, second_order, hooks);
//   ... G's loss against the advanced D, backpropagated ...
//   if (second_order) look_ahead.BackpropagateThroughSteps();
//   ... G's optimizer step ...
//   look_ahead.Undo();
#ifndef GAN_TRAIN_UNROLLED_LOOK_AHEAD_H_
#define GAN_TRAIN_UNROLLED_LOOK_AHEAD_H_

#include <functional>
#include <optional>
#include <vector>

#include <torch/nn/module.h>
#include <torch/types.h>

#include "gan/train/optimizer_step.h"

namespace gan {

// What the look-ahead needs of the updater that takes D's steps.
struct LookAheadHooks {
  // One of D's steps on the current batch; returns whether it was taken (not skipped).
  std::function<bool()> discriminator_step;
  // Second order: D's loss of the step starting from the current state, with G's graph,
  // making the draws the step made, in the same order.
  std::function<torch::Tensor()> discriminator_objective;
  // The updater's state that a D step changes besides D and its optimizer (its logs, the
  // terms' and the augmentation's state): captures it and returns what puts it back. The
  // look-ahead puts it back right after its steps: they are neither logged nor observed.
  std::function<std::function<void()>()> capture_state;
};

class UnrolledLookAhead {
 public:
  // Takes the K steps. The references must outlive this object.
  UnrolledLookAhead(torch::nn::Module& generator, torch::nn::Module& discriminator,
                    OptimizerStep& discriminator_step, const torch::Device& device, int steps,
                    bool second_order, LookAheadHooks hooks);

  // Second order: adds to G's parameters' gradients the part of G's loss's gradient that
  // flows through the steps, given D's trainable parameters' gradients of G's loss. G's
  // tensors, the random-number state and the updater's state are as before afterwards.
  void BackpropagateThroughSteps();

  // D's tensors, its optimizer's state and step count as before the steps; D's gradients
  // cleared.
  void Undo();

 private:
  struct StepStart {
    std::vector<torch::Tensor> discriminator;
    torch::Tensor random_state;
    std::function<void()> restore_state;
    bool taken = true;
  };
  torch::nn::Module& generator_;
  torch::nn::Module& discriminator_;
  OptimizerStep& discriminator_step_;
  torch::Device device_;
  LookAheadHooks hooks_;
  const std::vector<torch::Tensor> discriminator_before_;
  const OptimizerStep::Snapshot optimizer_before_;
  std::vector<StepStart> starts_;  // second order only
};

}  // namespace gan

#endif  // GAN_TRAIN_UNROLLED_LOOK_AHEAD_H_
