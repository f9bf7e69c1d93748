#include "gan/data/image_file.h"

// jpeglib.h uses FILE and size_t without including their headers.
#include <cstdio>

#include <jpeglib.h>
#include <png.h>

#include <csetjmp>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"

namespace gan {
namespace {

using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

absl::StatusOr<torch::Tensor> ReadPng(const std::string& path, int channels) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path.c_str())) {
    return absl::DataLossError(absl::StrCat("cannot decode PNG '", path, "': ", image.message));
  }
  image.format = channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  torch::Tensor pixels = torch::empty({image.height, image.width, channels}, torch::kUInt8);
  if (!png_image_finish_read(&image, /*background=*/nullptr, pixels.data_ptr<uint8_t>(),
                             /*row_stride=*/0, /*colormap=*/nullptr)) {
    png_image_free(&image);
    return absl::DataLossError(absl::StrCat("cannot decode PNG '", path, "': ", image.message));
  }
  return pixels.permute({2, 0, 1}).contiguous();
}

struct JpegErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void OnJpegError(j_common_ptr info) {
  auto* manager = reinterpret_cast<JpegErrorManager*>(info->err);
  (*info->err->format_message)(info, manager->message);
  std::longjmp(manager->jump, 1);
}

absl::StatusOr<torch::Tensor> ReadJpeg(const std::string& path, int channels) {
  File file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (file == nullptr) return absl::NotFoundError(absl::StrCat("cannot open '", path, "'"));
  jpeg_decompress_struct info;
  JpegErrorManager errors;
  info.err = jpeg_std_error(&errors.base);
  errors.base.error_exit = &OnJpegError;
  // Declared before setjmp so the longjmp target sees a valid object.
  torch::Tensor pixels;
  if (setjmp(errors.jump)) {
    jpeg_destroy_decompress(&info);
    return absl::DataLossError(absl::StrCat("cannot decode JPEG '", path, "': ", errors.message));
  }
  jpeg_create_decompress(&info);
  jpeg_stdio_src(&info, file.get());
  jpeg_read_header(&info, TRUE);
  info.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress(&info);
  pixels = torch::empty({info.output_height, info.output_width, channels}, torch::kUInt8);
  const size_t stride = static_cast<size_t>(info.output_width) * channels;
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = pixels.data_ptr<uint8_t>() + info.output_scanline * stride;
    jpeg_read_scanlines(&info, &row, 1);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  return pixels.permute({2, 0, 1}).contiguous();
}

}  // namespace

absl::StatusOr<torch::Tensor> ReadImageFile(const std::string& path, int channels) {
  if (channels != 1 && channels != 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("ReadImageFile('", path, "'): channels must be 1 or 3, got ", channels));
  }
  File file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (file == nullptr) return absl::NotFoundError(absl::StrCat("cannot open '", path, "'"));
  unsigned char magic[8] = {0};
  const size_t got = std::fread(magic, 1, sizeof(magic), file.get());
  file.reset();
  if (got >= 8 && png_sig_cmp(magic, 0, 8) == 0) return ReadPng(path, channels);
  if (got >= 3 && magic[0] == 0xFF && magic[1] == 0xD8 && magic[2] == 0xFF) {
    return ReadJpeg(path, channels);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("'", path, "' is neither a PNG nor a JPEG file"));
}

}  // namespace gan
