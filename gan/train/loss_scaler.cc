#include "gan/train/loss_scaler.h"

#include <cmath>

#include <torch/utils.h>

#include "gan/core/strict_load.h"

namespace gan {

DynamicLossScaler::DynamicLossScaler(LossScalerOptions options)
    : options_(options), scale_(options.init_scale()) {
  TORCH_CHECK(options_.init_scale() > 0 && options_.growth_factor() > 1 &&
                  options_.backoff_factor() > 0 && options_.backoff_factor() < 1 &&
                  options_.growth_interval() > 0,
              "DynamicLossScaler: need init_scale > 0, growth_factor > 1, "
              "0 < backoff_factor < 1 and growth_interval > 0");
}

torch::Tensor DynamicLossScaler::Scale(const torch::Tensor& loss) const {
  return loss.to(torch::kFloat) * scale_;
}

bool DynamicLossScaler::Step(torch::optim::Optimizer& optimizer) {
  torch::Tensor found_nonfinite;
  {
    torch::NoGradGuard no_grad;
    const double inverse = 1.0 / scale_;
    for (auto& group : optimizer.param_groups()) {
      for (auto& parameter : group.params()) {
        torch::Tensor& grad = parameter.mutable_grad();
        if (!grad.defined()) continue;
        grad.mul_(inverse);
        const torch::Tensor bad = grad.isfinite().all().logical_not();
        found_nonfinite = found_nonfinite.defined() ? found_nonfinite.logical_or(bad) : bad;
      }
    }
  }
  const bool skip = found_nonfinite.defined() && found_nonfinite.item<bool>();
  if (skip) {
    for (auto& group : optimizer.param_groups()) {
      for (auto& parameter : group.params()) parameter.mutable_grad().reset();
    }
    scale_ *= options_.backoff_factor();
    growth_tracker_ = 0;
    return false;
  }
  optimizer.step();
  if (++growth_tracker_ == options_.growth_interval()) {
    scale_ *= options_.growth_factor();
    growth_tracker_ = 0;
  }
  return true;
}

void DynamicLossScaler::Save(torch::serialize::OutputArchive& archive,
                             const std::string& prefix) const {
  archive.write(prefix + "/scale", torch::tensor(scale_, torch::kDouble));
  archive.write(prefix + "/growth_tracker", torch::tensor(growth_tracker_, torch::kLong));
}

void DynamicLossScaler::Load(torch::serialize::InputArchive& archive, const std::string& prefix) {
  torch::Tensor probe;
  if (!archive.try_read(prefix + "/scale", probe)) {
    scale_ = options_.init_scale();
    growth_tracker_ = 0;
    return;
  }
  const torch::Tensor scale = ReadTensorStrictly(archive, prefix + "/scale", "checkpoint");
  TORCH_CHECK(scale.numel() == 1 && scale.is_floating_point(), "checkpoint: '", prefix,
              "/scale' must be one floating-point number");
  const double value = scale.item<double>();
  TORCH_CHECK(std::isfinite(value) && value > 0, "checkpoint: '", prefix,
              "/scale' must be a positive finite number, got ", value);
  const int64_t tracker = ReadIntStrictly(archive, prefix + "/growth_tracker", "checkpoint");
  TORCH_CHECK(tracker >= 0 && tracker < options_.growth_interval(), "checkpoint: '", prefix,
              "/growth_tracker' must be in [0, ", options_.growth_interval(), "), got ", tracker);
  scale_ = value;
  growth_tracker_ = tracker;
}

}  // namespace gan
