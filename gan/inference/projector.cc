#include "gan/inference/projector.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <torch/torch.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace gan {
namespace {

// The reference's schedule: cosine ramp-down over the last 25%, linear ramp-up over the
// first 5%; t in [0, 1] is the fraction of the steps done.
double LearningRateAt(double initial, double t) {
  double ramp = std::min(1.0, (1.0 - t) / 0.25);
  ramp = 0.5 - 0.5 * std::cos(ramp * M_PI);
  return initial * ramp * std::min(1.0, t / 0.05);
}

}  // namespace

double PeakSignalToNoiseRatio(const torch::Tensor& image, const torch::Tensor& target) {
  const double mse = (image.to(torch::kDouble) - target.to(torch::kDouble)).square().mean().item<double>();
  return 10.0 * std::log10(4.0 / std::max(mse, 1e-20));
}

absl::StatusOr<Projection> ProjectImage(const InferenceGenerator& generator,
                                        const torch::Tensor& target,
                                        const ProjectorOptions& options,
                                        const ImageFeatures& features) {
  if (!generator.style_based()) {
    return absl::FailedPreconditionError(
        "projection needs a StyleGAN-family generator (one with mapping and synthesis)");
  }
  const torch::Tensor reference = target.dim() == 3 ? target.unsqueeze(0) : target;
  const std::vector<int64_t> shape = {1, generator.image_channels(), generator.image_size(),
                                      generator.image_size()};
  if (reference.sizes() != torch::IntArrayRef(shape)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the target image must be [", shape[1], ", ", shape[2], ", ", shape[3],
        "] as the generator makes them, got ", c10::str(target.sizes())));
  }
  if (options.steps < 1 || options.average_samples < 2 || options.learning_rate <= 0) {
    return absl::InvalidArgumentError(
        "projection needs steps >= 1, average_samples >= 2 and learning_rate > 0");
  }
  if (options.feature_weight > 0 && !features) {
    return absl::InvalidArgumentError("feature_weight > 0 needs a feature map");
  }
  if (generator.num_classes() > 0) {
    return absl::UnimplementedError(
        "projection of conditional generators is not offered (the class would be a second "
        "unknown)");
  }
  const torch::Device device = generator.device();
  const torch::Tensor goal = reference.to(device, torch::kFloat);

  // The mean and spread of w over mapped latents.
  torch::Tensor w_mean;
  double w_std = 0;
  {
    torch::NoGradGuard no_grad;
    torch::Generator draws = at::make_generator<at::CPUGeneratorImpl>(options.seed);
    const torch::Tensor z = torch::randn({options.average_samples, generator.latent_dim()}, draws);
    absl::StatusOr<torch::Tensor> ws = generator.Styles(z);
    if (!ws.ok()) return ws.status();
    const torch::Tensor w = ws->select(1, 0);  // every input has the same w before truncation
    w_mean = w.mean(0, /*keepdim=*/true);
    w_std = std::sqrt((w - w_mean).square().sum().item<double>() / options.average_samples);
  }
  const int64_t rows = options.w_plus ? generator.num_ws() : 1;
  torch::Tensor w = w_mean.unsqueeze(1).repeat({1, rows, 1}).detach().requires_grad_(true);
  torch::optim::Adam adam({w}, torch::optim::AdamOptions(options.learning_rate).betas({0.9, 0.999}));
  torch::Tensor goal_features;
  if (options.feature_weight > 0) {
    torch::NoGradGuard no_grad;
    goal_features = features(goal);
  }
  torch::Generator draws = at::make_generator<at::CPUGeneratorImpl>(options.seed + 1);
  Projection projection;
  auto styles = [&](const torch::Tensor& current) {
    return current.expand({1, generator.num_ws(), generator.w_dim()});
  };
  for (int64_t step = 0; step < options.steps; ++step) {
    const double t = static_cast<double>(step) / options.steps;
    const double noise_scale =
        w_std * 0.05 * std::pow(std::max(0.0, 1.0 - t / 0.75), 2.0);
    for (auto& group : adam.param_groups()) {
      static_cast<torch::optim::AdamOptions&>(group.options()).lr(
          LearningRateAt(options.learning_rate, t));
    }
    const torch::Tensor jitter = torch::randn(w.sizes(), draws).to(device) * noise_scale;
    absl::StatusOr<torch::Tensor> image = generator.Synthesize(styles(w + jitter), /*noise=*/false);
    if (!image.ok()) return image.status();
    torch::Tensor loss = (*image - goal).square().mean();
    if (options.feature_weight > 0) {
      loss = loss + options.feature_weight * (features(*image) - goal_features).square().mean();
    }
    adam.zero_grad();
    loss.backward();
    adam.step();
    const bool last = step + 1 == options.steps;
    if (options.record_every > 0 && ((step + 1) % options.record_every == 0 || last)) {
      torch::NoGradGuard no_grad;
      absl::StatusOr<torch::Tensor> now = generator.Synthesize(styles(w), false);
      if (!now.ok()) return now.status();
      projection.steps.push_back(now->squeeze(0).cpu());
      projection.recorded_at.push_back(step + 1);
    }
  }
  torch::NoGradGuard no_grad;
  projection.ws = styles(w).detach().contiguous().cpu();
  absl::StatusOr<torch::Tensor> image = generator.Synthesize(projection.ws, false);
  if (!image.ok()) return image.status();
  projection.image = image->squeeze(0).cpu();
  projection.psnr = PeakSignalToNoiseRatio(projection.image, reference.squeeze(0).cpu());
  return projection;
}

}  // namespace gan
