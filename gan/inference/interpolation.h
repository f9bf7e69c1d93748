// Paths between latents: linear, or spherical (along the great circle, which keeps a
// Gaussian latent's norm where a straight line passes through lower-norm points that G
// rarely saw in training; White 2016, "Sampling Generative Networks").
//
//   torch::Tensor path = gan::InterpolateLatents(from, to, 8, gan::Interpolation::kSpherical);
#ifndef GAN_INFERENCE_INTERPOLATION_H_
#define GAN_INFERENCE_INTERPOLATION_H_

#include <cstdint>
#include <string>

#include <torch/types.h>

#include "absl/status/statusor.h"

namespace gan {

enum class Interpolation { kLinear, kSpherical };

// "linear" or "spherical"; anything else is an error listing both.
absl::StatusOr<Interpolation> ParseInterpolation(const std::string& name);

// Row i of a [N, D] and b [N, D] at t in [0, 1]: (1 - t) a + t b, or the spherical
// sin((1 - t) w) / sin(w) a + sin(t w) / sin(w) b with w the angle between a_i and b_i
// (linear where w is below 1e-6: the two formulas agree in the limit).
torch::Tensor Interpolate(const torch::Tensor& a, const torch::Tensor& b, double t,
                          Interpolation kind);

// [N * steps, D]: for each row pair, `steps` >= 2 points from a_i to b_i, ends included.
torch::Tensor InterpolateLatents(const torch::Tensor& a, const torch::Tensor& b, int64_t steps,
                                 Interpolation kind);

}  // namespace gan

#endif  // GAN_INFERENCE_INTERPOLATION_H_
