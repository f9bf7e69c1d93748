#include "gan/core/image_grid.h"

#include <png.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "gan/core/atomic_file.h"

namespace gan {

torch::Tensor MakeImageGrid(const torch::Tensor& images, int64_t columns, int64_t padding) {
  TORCH_CHECK(images.dim() == 4, "MakeImageGrid expects [N, C, H, W], got ", images.sizes());
  TORCH_CHECK(columns > 0, "MakeImageGrid: columns must be positive");
  const int64_t n = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
  TORCH_CHECK(c == 1 || c == 3, "MakeImageGrid expects 1 or 3 channels, got ", c);
  const int64_t cols = std::min(columns, std::max<int64_t>(n, 1));
  const int64_t rows = (n + cols - 1) / cols;
  const torch::Tensor pixels = images.detach()
                                   .to(torch::kCPU, torch::kFloat)
                                   .clamp(-1, 1)
                                   .add(1)
                                   .mul(127.5)
                                   .round()
                                   .to(torch::kUInt8);
  torch::Tensor grid = torch::zeros({rows * (h + padding) + padding,
                                     cols * (w + padding) + padding, c},
                                    torch::kUInt8);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t top = padding + (i / cols) * (h + padding);
    const int64_t left = padding + (i % cols) * (w + padding);
    grid.slice(0, top, top + h).slice(1, left, left + w).copy_(pixels[i].permute({1, 2, 0}));
  }
  return grid;
}

absl::Status WritePng(const torch::Tensor& hwc_uint8, const std::string& path) {
  if (hwc_uint8.dim() != 3 || hwc_uint8.scalar_type() != torch::kUInt8 ||
      (hwc_uint8.size(2) != 1 && hwc_uint8.size(2) != 3)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "WritePng('", path, "'): expected a [H, W, 1 or 3] uint8 tensor"));
  }
  const torch::Tensor pixels = hwc_uint8.contiguous();
  return WriteAtomically(path, [&](const std::string& temporary) -> absl::Status {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    image.width = static_cast<png_uint_32>(pixels.size(1));
    image.height = static_cast<png_uint_32>(pixels.size(0));
    image.format = pixels.size(2) == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
    if (!png_image_write_to_file(&image, temporary.c_str(), /*convert_to_8bit=*/0,
                                 pixels.data_ptr<uint8_t>(), /*row_stride=*/0,
                                 /*colormap=*/nullptr)) {
      return absl::InternalError(
          absl::StrCat("cannot write PNG '", path, "': ", image.message));
    }
    return absl::OkStatus();
  });
}

absl::Status SaveImageGrid(const torch::Tensor& images, int64_t columns,
                           const std::string& path) {
  return WritePng(MakeImageGrid(images, columns), path);
}

}  // namespace gan
