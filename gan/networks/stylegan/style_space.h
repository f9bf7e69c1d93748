// The style space of StyleGAN-family generators (Karras et al. 2019, 2020): a batch's
// styles are ws [N, L, w_dim], one w per style input of the synthesis network.
//   - Style mixing: the inputs from a random crossover on take the w of a second latent.
//   - Truncation: the inputs below a cutoff move toward the running mean of w by psi.
//
//   torch::Tensor ws = gan::BatchStyles(w, layers, is_training(), w_average, settings,
//                                       [&] { return Map(SampleLatent(n, device)); });
#ifndef GAN_NETWORKS_STYLEGAN_STYLE_SPACE_H_
#define GAN_NETWORKS_STYLEGAN_STYLE_SPACE_H_

#include <cstdint>
#include <functional>

#include <torch/types.h>

namespace gan {

// [N, layers, w_dim]: inputs < crossover take w [N, w_dim], the others w2.
torch::Tensor MixStyles(const torch::Tensor& w, const torch::Tensor& w2, int64_t crossover,
                        int64_t layers);

// Inputs < cutoff (-1: all) of ws [N, L, w_dim] become w_average + psi * (ws - w_average).
torch::Tensor TruncateStyles(const torch::Tensor& ws, const torch::Tensor& w_average, double psi,
                             int64_t cutoff);

struct StyleSettings {
  double w_average_decay = 0.995;
  double mixing_probability = 0.9;
  double truncation_psi = 1.0;  // 1: none
  int64_t truncation_cutoff = -1;
};

// The styles a generator's forward takes from w [N, w_dim]. In training, w_average moves
// toward the batch's mean w (w_avg = mean + decay * (w_avg - mean)) and, with probability
// mixing_probability, the whole batch mixes with the w of fresh latents (`map_fresh`) from
// a crossover drawn in [1, layers); then truncation, as set. Random draws in this order:
// the mixing decision, map_fresh's, the crossover.
torch::Tensor BatchStyles(const torch::Tensor& w, int64_t layers, bool training,
                          torch::Tensor& w_average, const StyleSettings& settings,
                          const std::function<torch::Tensor()>& map_fresh);

}  // namespace gan

#endif  // GAN_NETWORKS_STYLEGAN_STYLE_SPACE_H_
