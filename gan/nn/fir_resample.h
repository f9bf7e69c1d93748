// FIR-filtered resampling as in StyleGAN2 (Karras et al. 2020): images are upsampled by
// inserting zeros and low-pass filtering with the separable [1, 3, 3, 1] kernel, and
// downsampled by filtering first and then keeping every second pixel, so that neither
// direction aliases (Zhang 2019) as nearest-neighbour copies and strided convolutions do.
//
// Upfirdn2d is the general operation (the reference's upfirdn2d): upsample by zero
// insertion, pad, convolve with a 2-D filter (a true convolution: the filter flipped),
// keep every `down`-th pixel.
//
//   torch::Tensor up = gan::UpsampleFir2x(x);      // [N, C, H, W] -> [N, C, 2H, 2W]
//   torch::Tensor down = gan::DownsampleFir2x(x);  // [N, C, H, W] -> [N, C, H/2, W/2]
#ifndef GAN_NN_FIR_RESAMPLE_H_
#define GAN_NN_FIR_RESAMPLE_H_

#include <cstdint>

#include <torch/types.h>

namespace gan {

// x [N, C, H, W], filter [kh, kw] (applied to every channel). The output is
// [N, C, (H * up + pad0 + pad1 - kh) / down + 1, likewise for W]; pad0 before, pad1 after.
torch::Tensor Upfirdn2d(const torch::Tensor& x, const torch::Tensor& filter, int64_t up,
                        int64_t down, int64_t pad0, int64_t pad1);

// StyleGAN2's low-pass filter: the outer product of [1, 3, 3, 1] with itself, summing to
// 1, in x's dtype and on its device.
torch::Tensor LowPassFilter(const torch::Tensor& like);

// 2x upsampling: zeros inserted, the low-pass filter times 4 (so that a constant image
// stays constant away from the border).
torch::Tensor UpsampleFir2x(const torch::Tensor& x);

// 2x downsampling: the low-pass filter, then every second pixel (H and W even).
torch::Tensor DownsampleFir2x(const torch::Tensor& x);

}  // namespace gan

#endif  // GAN_NN_FIR_RESAMPLE_H_
