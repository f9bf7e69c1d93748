// Finds the styles that make a StyleGAN-family generator reproduce a target image
// (Karras et al. 2020, StyleGAN2 section 5; StyleGAN2-ADA's projector): gradient descent
// with Adam on one w shared by every synthesis input (W) or one per input (W+), from the
// mean of w, on a pixel loss plus, optionally, a feature loss; the generator's noise
// inputs are off, so the image is a function of w alone.
//
// As the reference: the mean and spread of w from `average_samples` mapped latents; the
// learning rate ramped up over the first 5% of the steps and down (cosine) over the last
// 25%; Gaussian noise of 0.05 x the spread of w added to w, fading out quadratically over
// the first 75%. The reference's perceptual distance (LPIPS on VGG16) needs weights that
// cannot be downloaded here: `features` is any differentiable image -> [N, F] map (the
// `project` tool offers the fmnist-classifier's features), compared by mean squared
// difference.
//
//   GAN_ASSIGN_OR_RETURN(gan::Projection p, gan::ProjectImage(g, target, {}, {}));
//   // p.ws [1, num_ws, w_dim], p.image [C, H, W], p.psnr
#ifndef GAN_INFERENCE_PROJECTOR_H_
#define GAN_INFERENCE_PROJECTOR_H_

#include <cstdint>
#include <functional>
#include <vector>

#include <torch/types.h>

#include "absl/status/statusor.h"
#include "gan/inference/generator.h"

namespace gan {

struct ProjectorOptions {
  int64_t steps = 1000;
  bool w_plus = false;           // one w per synthesis input
  double learning_rate = 0.1;    // Adam, betas (0.9, 0.999), ramped as above
  int64_t average_samples = 10000;
  double feature_weight = 0.0;   // > 0 needs `features`
  int64_t record_every = 0;      // > 0: keep the image every this many steps (and the last)
  uint64_t seed = 0;             // the latents of the average and the noise on w
};

// Images [N, C, H, W] in [-1, 1] -> features [N, F], differentiable.
using ImageFeatures = std::function<torch::Tensor(const torch::Tensor& images)>;

struct Projection {
  torch::Tensor ws;      // [1, num_ws, w_dim] (W: the same w in every row)
  torch::Tensor image;   // [C, H, W] in [-1, 1], synthesis(ws) without noise
  double psnr = 0;       // of image against the target, peak-to-peak 2 (range [-1, 1])
  std::vector<torch::Tensor> steps;  // [C, H, W] images every record_every steps
  std::vector<int64_t> recorded_at;  // their step numbers (1-based)
};

// target [C, H, W] (or [1, C, H, W]) in [-1, 1], the generator's image shape.
absl::StatusOr<Projection> ProjectImage(const InferenceGenerator& generator,
                                        const torch::Tensor& target,
                                        const ProjectorOptions& options,
                                        const ImageFeatures& features);

// 10 log10(4 / MSE) for images in [-1, 1].
double PeakSignalToNoiseRatio(const torch::Tensor& image, const torch::Tensor& target);

}  // namespace gan

#endif  // GAN_INFERENCE_PROJECTOR_H_
