// Decoding one PNG or JPEG file (Debian's libpng and libjpeg) into a uint8 [C, H, W]
// tensor with the requested number of channels (1 = grayscale, 3 = RGB).
#ifndef GAN_DATA_IMAGE_FILE_H_
#define GAN_DATA_IMAGE_FILE_H_

#include <string>

#include <torch/types.h>

#include "absl/status/statusor.h"

namespace gan {

// The format is taken from the file's first bytes, not its name.
absl::StatusOr<torch::Tensor> ReadImageFile(const std::string& path, int channels);

}  // namespace gan

#endif  // GAN_DATA_IMAGE_FILE_H_
