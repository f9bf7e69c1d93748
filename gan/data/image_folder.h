// A folder of the user's own images (PNG or JPEG). Sub-folders are classes, labelled in
// sorted name order; images directly in the folder make an unlabelled dataset.
//
//   gan::ImageFolderOptions options;
//   options.channels = 3;
//   options.image_size = 64;   // every image resized to 64x64
//   ASSIGN_OR_RETURN(gan::ImageDataset data, gan::LoadImageFolder("faces/", options));
#ifndef GAN_DATA_IMAGE_FOLDER_H_
#define GAN_DATA_IMAGE_FOLDER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "gan/data/image_dataset.h"

namespace gan {

struct ImageFolderOptions {
  int channels = 3;        // 1 (grayscale) or 3 (RGB)
  int64_t image_size = 0;  // > 0: resize (bilinear) to square; 0: all images must match
};

absl::StatusOr<ImageDataset> LoadImageFolder(const std::string& dir,
                                             const ImageFolderOptions& options);

}  // namespace gan

#endif  // GAN_DATA_IMAGE_FOLDER_H_
