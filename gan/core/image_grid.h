// Sample grids as PNG files: a batch of images in [-1, 1] is tiled row-major into one
// picture with a padding border and written atomically.
//
//   GAN_RETURN_IF_ERROR(gan::SaveImageGrid(fake.detach(), /*columns=*/8,
//                                          run_dir + "/samples/iter_000100.png"));
#ifndef GAN_CORE_IMAGE_GRID_H_
#define GAN_CORE_IMAGE_GRID_H_

#include <cstdint>
#include <string>

#include <torch/types.h>

#include "absl/status/status.h"

namespace gan {

// [N, C, H, W] floats in [-1, 1] (C = 1 or 3) -> [rows*(H+p)+p, columns*(W+p)+p, C]
// uint8, values mapped by round((x + 1) * 127.5) after clamping; padding is black.
torch::Tensor MakeImageGrid(const torch::Tensor& images, int64_t columns, int64_t padding = 2);

// Writes a [H, W, C] uint8 tensor (C = 1 grayscale, 3 RGB) as PNG, atomically.
absl::Status WritePng(const torch::Tensor& hwc_uint8, const std::string& path);

absl::Status SaveImageGrid(const torch::Tensor& images, int64_t columns,
                           const std::string& path);

}  // namespace gan

#endif  // GAN_CORE_IMAGE_GRID_H_
