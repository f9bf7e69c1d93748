// STL-10 in its binary format (stl10_binary.tar.gz unpacked): 96x96 RGB images stored
// channel-major and column-major (each channel transposed), labels as bytes 1..10.
// The unlabeled split (100,000 images, 2.7 GB) is what the dcgan_stl10_* experiments train on.
//
//   ASSIGN_OR_RETURN(gan::ImageDataset data, gan::LoadStl10(dir, "unlabeled"));
#ifndef GAN_DATA_STL10_H_
#define GAN_DATA_STL10_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "gan/data/image_dataset.h"

namespace gan {

inline constexpr int64_t kStl10ImageBytes = 3 * 96 * 96;

// `dir` holds {unlabeled,train,test}_X.bin and {train,test}_y.bin, directly or in a
// stl10_binary sub-directory. `split` is "unlabeled", "train" or "test"; labels become
// 0..9. `max_images` > 0 reads only the first images (the full unlabeled split needs
// 2.7 GB of memory).
absl::StatusOr<ImageDataset> LoadStl10(const std::string& dir, const std::string& split,
                                       int64_t max_images = 0);

}  // namespace gan

#endif  // GAN_DATA_STL10_H_
