// Differentiable image transforms for augmenting D's inputs, with their random parameters
// given explicitly (one per image), so that the augmentation policies (gan/augment) draw
// them and tests can pin them. Every transform is built from differentiable tensor ops:
// a gradient reaches the input (G's output, when the images are fakes) through it.
// Images are [N, C, H, W]; parameters are [N] tensors on the images' device.
//
//   torch::Tensor shifted = gan::Translate(images, dy, dx);   // dy, dx: int64 [N]
#ifndef GAN_NN_IMAGE_AUGMENT_H_
#define GAN_NN_IMAGE_AUGMENT_H_

#include <cstdint>

#include <torch/types.h>

namespace gan {

// images + shift[n] for image n.
torch::Tensor AdjustBrightness(const torch::Tensor& images, const torch::Tensor& shift);

// Each pixel's channels scaled by factor[n] about their mean over the channels (a
// single-channel image is left as it is).
torch::Tensor AdjustSaturation(const torch::Tensor& images, const torch::Tensor& factor);

// Image n scaled by factor[n] about its mean over channels and pixels.
torch::Tensor AdjustContrast(const torch::Tensor& images, const torch::Tensor& factor);

// Image n's content moved down by dy[n] rows and right by dx[n] columns (negative: up,
// left); pixels moved in from outside the image are 0. dy, dx: integer [N].
torch::Tensor Translate(const torch::Tensor& images, const torch::Tensor& dy,
                        const torch::Tensor& dx);

// Image n with the `height` x `width` rectangle whose top-left pixel is (top[n], left[n])
// set to 0, in every channel; the rectangle may reach past the image's edges (only its part
// inside is cleared). top, left: integer [N].
torch::Tensor Cutout(const torch::Tensor& images, const torch::Tensor& top,
                     const torch::Tensor& left, int64_t height, int64_t width);

}  // namespace gan

#endif  // GAN_NN_IMAGE_AUGMENT_H_
