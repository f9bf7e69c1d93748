// CIFAR-10 in its binary format (cifar-10-binary.tar.gz unpacked): records of one label
// byte followed by 3x32x32 pixel bytes, channel-major.
//
//   ASSIGN_OR_RETURN(gan::ImageDataset train, gan::LoadCifar10(dir, "train"));
#ifndef GAN_DATA_CIFAR10_H_
#define GAN_DATA_CIFAR10_H_

#include <string>

#include "absl/status/statusor.h"
#include "gan/data/image_dataset.h"

namespace gan {

inline constexpr int64_t kCifar10RecordBytes = 1 + 3 * 32 * 32;

// `dir` holds data_batch_{1..5}.bin and test_batch.bin, directly or in a
// cifar-10-batches-bin sub-directory. `split` is "train" (the five data batches) or
// "test". Errors name the missing or malformed file and where to get the data.
absl::StatusOr<ImageDataset> LoadCifar10(const std::string& dir, const std::string& split);

// Parses the records of one batch file's bytes ([records, 3073] uint8); `source` names it.
absl::StatusOr<ImageDataset> ParseCifar10Records(const torch::Tensor& records,
                                                 const std::string& source);

}  // namespace gan

#endif  // GAN_DATA_CIFAR10_H_
