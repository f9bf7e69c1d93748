// Dynamic loss scaling for float16 autocast (as torch.cuda.amp.GradScaler does it): small
// gradients of a float16 forward pass underflow to zero unless the loss is multiplied by a
// large scale before backward. The gradients are divided by the scale again before the
// optimizer step. When any of them is Inf or NaN, the step is skipped and the scale
// halved; after growth_interval clean steps in a row it is doubled.
//
//   gan::DynamicLossScaler scaler;
//   scaler.Scale(loss).backward();
//   scaler.Step(optimizer);   // unscale, then step or skip; updates the scale
#ifndef GAN_TRAIN_LOSS_SCALER_H_
#define GAN_TRAIN_LOSS_SCALER_H_

#include <string>

#include <torch/optim/optimizer.h>
#include <torch/serialize/archive.h>
#include <torch/types.h>

namespace gan {

struct LossScalerOptions {
  TORCH_ARG(double, init_scale) = 65536.0;  // 2^16
  TORCH_ARG(double, growth_factor) = 2.0;
  TORCH_ARG(double, backoff_factor) = 0.5;
  TORCH_ARG(int64_t, growth_interval) = 2000;
};

class DynamicLossScaler {
 public:
  explicit DynamicLossScaler(LossScalerOptions options = {});

  // loss * scale (in float32, whatever the loss's dtype).
  torch::Tensor Scale(const torch::Tensor& loss) const;

  // Divides the gradients of `optimizer`'s parameters by the scale. If all are finite,
  // steps the optimizer; otherwise clears them and skips the step. Then updates the
  // scale. Returns whether the optimizer stepped. One host sync.
  bool Step(torch::optim::Optimizer& optimizer);

  double scale() const { return scale_; }
  // Clean steps since the scale last changed.
  int64_t growth_tracker() const { return growth_tracker_; }

  // "<prefix>/scale" and "<prefix>/growth_tracker" in a checkpoint.
  void Save(torch::serialize::OutputArchive& archive, const std::string& prefix) const;
  // A checkpoint without them (written before loss scaling) restarts from init_scale.
  void Load(torch::serialize::InputArchive& archive, const std::string& prefix);

 private:
  LossScalerOptions options_;
  double scale_;
  int64_t growth_tracker_ = 0;
};

}  // namespace gan

#endif  // GAN_TRAIN_LOSS_SCALER_H_
