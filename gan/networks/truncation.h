// The truncation trick (Brock et al. 2019, BigGAN): at sampling time, draw latents from a
// normal truncated to [-threshold, threshold] by resampling every component outside it.
// Smaller thresholds trade variety for fidelity; G is trained on the plain normal.
//
//   torch::manual_seed(seed);  // the global generator makes draws reproducible
//   torch::Tensor z = TruncatedNormal({64, 128}, /*threshold=*/0.5);
//   torch::Tensor images = generator->forward(z);
#ifndef GAN_NETWORKS_TRUNCATION_H_
#define GAN_NETWORKS_TRUNCATION_H_

#include <torch/types.h>

namespace gan {

// N(0, 1) draws of `shape` with every |component| <= threshold; threshold <= 0 means no
// truncation. `options` must give a floating-point dtype (default: LibTorch's default).
torch::Tensor TruncatedNormal(at::IntArrayRef shape, double threshold,
                              const torch::TensorOptions& options = {});

// A copy of `z` (detached) whose components with |z| > threshold are redrawn from N(0, 1)
// until none is; threshold <= 0 returns an unchanged copy. Uses the global generator.
torch::Tensor TruncateLatent(torch::Tensor z, double threshold);

}  // namespace gan

#endif  // GAN_NETWORKS_TRUNCATION_H_
