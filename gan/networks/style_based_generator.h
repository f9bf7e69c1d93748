// Generators with a mapping network and a synthesis network (StyleGAN, StyleGAN2): what regularizers
// that work in the style space (path-length regularization), export and projection need
// beyond GeneratorModule. forward(z, labels) is Synthesize(Styles(z, labels), {}).
#ifndef GAN_NETWORKS_STYLE_BASED_GENERATOR_H_
#define GAN_NETWORKS_STYLE_BASED_GENERATOR_H_

#include <cstdint>
#include <vector>

#include "gan/networks/gan_modules.h"

namespace gan {

class StyleBasedGenerator : public GeneratorModule {
 public:
  StyleBasedGenerator* style_based() final { return this; }
  // The number of w inputs of the synthesis network, and w's size.
  virtual int64_t num_ws() const = 0;
  virtual int64_t w_dim() const = 0;
  // z [N, latent_dim] (labels when conditional) -> ws [N, num_ws, w_dim] as forward makes
  // them: in training mode the running mean of w moves and styles mix; truncation as set.
  virtual torch::Tensor Styles(const torch::Tensor& z, const torch::Tensor& labels) = 0;
  // ws -> images in [-1, 1]; noise: empty for fresh noise, else one tensor per noise input.
  virtual torch::Tensor Synthesize(const torch::Tensor& ws, const std::vector<torch::Tensor>& noise) = 0;
  // One noise input per synthesis layer for n samples, N(0, 1), in the shapes Synthesize
  // takes (zeros of these shapes: synthesis without noise).
  virtual std::vector<torch::Tensor> SampleNoise(int64_t n, const torch::Device& device) const = 0;
  // The running mean of w [w_dim], the centre of truncation.
  virtual const torch::Tensor& w_average() const = 0;
};

}  // namespace gan

#endif  // GAN_NETWORKS_STYLE_BASED_GENERATOR_H_
