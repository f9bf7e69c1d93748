#include "gan/inference/interpolation.h"

#include <vector>

#include <torch/torch.h>

#include "absl/status/status.h"

namespace gan {

absl::StatusOr<Interpolation> ParseInterpolation(const std::string& name) {
  if (name == "linear") return Interpolation::kLinear;
  if (name == "spherical") return Interpolation::kSpherical;
  return absl::InvalidArgumentError("interpolation '" + name +
                                    "' is not one of: linear, spherical");
}

torch::Tensor Interpolate(const torch::Tensor& a, const torch::Tensor& b, double t,
                          Interpolation kind) {
  TORCH_CHECK(a.dim() == 2 && a.sizes() == b.sizes(),
              "Interpolate: a and b must both be [N, D], got ", a.sizes(), " and ", b.sizes());
  const torch::Tensor linear = a * (1 - t) + b * t;
  if (kind == Interpolation::kLinear) return linear;
  const torch::Tensor cosine =
      (torch::nn::functional::normalize(a, torch::nn::functional::NormalizeFuncOptions().dim(1)) *
       torch::nn::functional::normalize(b, torch::nn::functional::NormalizeFuncOptions().dim(1)))
          .sum(1, /*keepdim=*/true)
          .clamp(-1, 1);
  const torch::Tensor omega = torch::acos(cosine);
  const torch::Tensor sine = torch::sin(omega);
  const torch::Tensor spherical =
      (torch::sin((1 - t) * omega) * a + torch::sin(t * omega) * b) / sine;
  return torch::where(omega < 1e-6, linear, spherical);
}

torch::Tensor InterpolateLatents(const torch::Tensor& a, const torch::Tensor& b, int64_t steps,
                                 Interpolation kind) {
  TORCH_CHECK(steps >= 2, "InterpolateLatents: steps must be >= 2, got ", steps);
  std::vector<torch::Tensor> points;
  for (int64_t i = 0; i < steps; ++i) {
    points.push_back(Interpolate(a, b, static_cast<double>(i) / (steps - 1), kind));
  }
  // [steps, N, D] -> [N, steps, D]: each path's points together.
  return torch::stack(points).transpose(0, 1).reshape({-1, a.size(1)});
}

}  // namespace gan
