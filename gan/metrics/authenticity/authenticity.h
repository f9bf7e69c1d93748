// Authenticity (Alaa et al. 2022, "How Faithful is your Synthetic Data?"), in the form
// dgm-eval reports as AuthPct: the percentage of generated samples that are not closer to
// their nearest real sample than that real sample is to its own nearest real neighbour. A
// generator that copies training images scores low; one whose samples lie among the real
// data as new points, about 50 or more. Computed on the evaluation's feature rows (the
// reference split's seeded subset, so against the training images with
// output.evaluate_split train).
//
//   double percent = gan::AuthenticityPercent(real_features, fake_features);
#ifndef GAN_METRICS_AUTHENTICITY_AUTHENTICITY_H_
#define GAN_METRICS_AUTHENTICITY_AUTHENTICITY_H_

#include <cstdint>

#include <torch/types.h>

namespace gan {

// real: [N, d] (N >= 2), fake: [M, d]. For fake j with nearest real i (Euclidean, in
// float64), j is authentic when i's distance to its nearest other real is strictly smaller
// than j's distance to i. Returns 100 x the authentic fraction. Distances are computed in
// blocks of `block_size` rows, never N x M at once.
double AuthenticityPercent(const torch::Tensor& real, const torch::Tensor& fake,
                           int64_t block_size = 1024);

}  // namespace gan

#endif  // GAN_METRICS_AUTHENTICITY_AUTHENTICITY_H_
