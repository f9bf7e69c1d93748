// Pixelwise feature normalization (Karras et al. 2018, PGGAN): each pixel's feature vector
// is scaled to unit root-mean-square over channels, x / sqrt(mean_c(x^2) + eps). PGGAN's
// generator applies it after every convolution; StyleGAN's mapping network applies it to z.
//
//   torch::Tensor y = gan::PixelNorm(x);  // x: [N, C] or [N, C, H, W]
#ifndef GAN_NN_PIXEL_NORM_H_
#define GAN_NN_PIXEL_NORM_H_

#include <torch/types.h>

namespace gan {

// Normalizes over dim 1 (channels); any trailing dims are positions.
torch::Tensor PixelNorm(const torch::Tensor& x, double eps = 1e-8);

}  // namespace gan

#endif  // GAN_NN_PIXEL_NORM_H_
