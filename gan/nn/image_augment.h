// Differentiable image transforms for augmenting D's inputs, with their random parameters
// given explicitly (one per image), so that the augmentation policies (gan/augment) draw
// them and tests can pin them. Every transform is built from differentiable tensor ops:
// a gradient reaches the input (G's output, when the images are fakes) through it.
// Images are [N, C, H, W]; parameters are [N] tensors (or [N, 3, 3] and [N, 4, 4]
// matrices) on the images' device.
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

// What a translation moves in from outside the image: zeros (DiffAugment), or the image
// mirrored about its edge pixels (PyTorch's "reflect" padding: row -1 is row 1), as the
// consistency regularizers' reference transform does.
enum class TranslateFill { kZeros, kReflect };

// Image n's content moved down by dy[n] rows and right by dx[n] columns (negative: up,
// left). dy, dx: integer [N]; with kReflect, |shift| < the image's side (checked for
// shifts on the CPU).
torch::Tensor Translate(const torch::Tensor& images, const torch::Tensor& dy,
                        const torch::Tensor& dx, TranslateFill fill = TranslateFill::kZeros);

// Image n mirrored left to right where flip[n] (bool [N]), as it is elsewhere.
torch::Tensor FlipHorizontally(const torch::Tensor& images, const torch::Tensor& flip);

// Image n with the `height` x `width` rectangle whose top-left pixel is (top[n], left[n])
// set to 0, in every channel; the rectangle may reach past the image's edges (only its part
// inside is cleared). top, left: integer [N].
torch::Tensor Cutout(const torch::Tensor& images, const torch::Tensor& top,
                     const torch::Tensor& left, int64_t height, int64_t width);

// Image n resampled through the 3x3 homogeneous matrix inverse[n], which maps an output
// pixel's position to the input position it reads, in pixel units with the origin at the
// image's centre (x right, y down): bilinear, with positions outside the image mirrored
// back in about its edges (LibTorch's grid_sample "reflection"). An integer translation,
// a flip or a rotation by a multiple of 90 degrees reproduces pixels exactly.
torch::Tensor WarpImages(const torch::Tensor& images, const torch::Tensor& inverse);

// Image n's colours through the 4x4 homogeneous matrix color[n] acting on (r, g, b, 1);
// a single-channel image takes the matrix's mean effect on a grey pixel (r = g = b), as
// StyleGAN2-ADA does. images: 1 or 3 channels.
torch::Tensor TransformColors(const torch::Tensor& images, const torch::Tensor& color);

}  // namespace gan

#endif  // GAN_NN_IMAGE_AUGMENT_H_
