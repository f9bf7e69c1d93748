#include "gan/nn/image_augment.h"

#include <torch/torch.h>

namespace gan {
namespace {

// [N] -> [N, 1, 1, 1], in the images' dtype, to broadcast over an image.
torch::Tensor PerImage(const torch::Tensor& values, const torch::Tensor& images) {
  TORCH_CHECK(values.dim() == 1 && values.size(0) == images.size(0),
              "image augmentation: expected one parameter per image ([", images.size(0),
              "]), got ", values.sizes());
  return values.to(images.scalar_type()).view({-1, 1, 1, 1});
}

void CheckImages(const torch::Tensor& images) {
  TORCH_CHECK(images.dim() == 4, "image augmentation: expected images [N, C, H, W], got ",
              images.sizes());
}

}  // namespace

torch::Tensor AdjustBrightness(const torch::Tensor& images, const torch::Tensor& shift) {
  CheckImages(images);
  return images + PerImage(shift, images);
}

torch::Tensor AdjustSaturation(const torch::Tensor& images, const torch::Tensor& factor) {
  CheckImages(images);
  const torch::Tensor mean = images.mean(1, /*keepdim=*/true);
  return (images - mean) * PerImage(factor, images) + mean;
}

torch::Tensor AdjustContrast(const torch::Tensor& images, const torch::Tensor& factor) {
  CheckImages(images);
  const torch::Tensor mean = images.mean({1, 2, 3}, /*keepdim=*/true);
  return (images - mean) * PerImage(factor, images) + mean;
}

torch::Tensor Translate(const torch::Tensor& images, const torch::Tensor& dy,
                        const torch::Tensor& dx) {
  CheckImages(images);
  const int64_t n = images.size(0), height = images.size(2), width = images.size(3);
  TORCH_CHECK(dy.dim() == 1 && dy.size(0) == n && dx.dim() == 1 && dx.size(0) == n,
              "Translate: expected one shift per image, got ", dy.sizes(), " and ", dx.sizes());
  const auto index = torch::TensorOptions().dtype(torch::kLong).device(images.device());
  // Output pixel (i, j) reads input pixel (i - dy, j - dx) of the image padded with one ring
  // of zeros; sources outside the image are clamped onto that ring.
  const torch::Tensor rows =
      (torch::arange(height, index).view({1, -1, 1}) - dy.to(index).view({-1, 1, 1}) + 1)
          .clamp(0, height + 1);
  const torch::Tensor cols =
      (torch::arange(width, index).view({1, 1, -1}) - dx.to(index).view({-1, 1, 1}) + 1)
          .clamp(0, width + 1);
  const torch::Tensor batch = torch::arange(n, index).view({-1, 1, 1});
  const torch::Tensor padded = torch::constant_pad_nd(images, {1, 1, 1, 1}).permute({0, 2, 3, 1});
  return padded.index({batch, rows, cols}).permute({0, 3, 1, 2}).contiguous();
}

torch::Tensor Cutout(const torch::Tensor& images, const torch::Tensor& top,
                     const torch::Tensor& left, int64_t height, int64_t width) {
  CheckImages(images);
  const int64_t n = images.size(0);
  TORCH_CHECK(top.dim() == 1 && top.size(0) == n && left.dim() == 1 && left.size(0) == n,
              "Cutout: expected one position per image, got ", top.sizes(), " and ", left.sizes());
  const auto index = torch::TensorOptions().dtype(torch::kLong).device(images.device());
  const torch::Tensor rows = torch::arange(images.size(2), index).view({1, -1, 1});
  const torch::Tensor cols = torch::arange(images.size(3), index).view({1, 1, -1});
  const torch::Tensor y0 = top.to(index).view({-1, 1, 1});
  const torch::Tensor x0 = left.to(index).view({-1, 1, 1});
  const torch::Tensor inside =
      (rows >= y0) & (rows < y0 + height) & (cols >= x0) & (cols < x0 + width);
  return images * torch::logical_not(inside).to(images.scalar_type()).unsqueeze(1);
}

}  // namespace gan
