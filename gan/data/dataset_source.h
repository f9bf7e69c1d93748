// Chooses and loads a dataset by name, as experiment configs name it, and builds the
// loader's transforms (scale to [-1, 1], pad, resize, random flip).
//
//   gan::DataOptions options;                       // Fashion-MNIST, train split
//   ASSIGN_OR_RETURN(gan::ImageDataset data, gan::LoadDataset(options));
//   gan::TransformPipeline transforms = gan::MakeTransforms(options);
#ifndef GAN_DATA_DATASET_SOURCE_H_
#define GAN_DATA_DATASET_SOURCE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "gan/data/image_dataset.h"
#include "gan/data/transforms.h"

namespace gan {

inline constexpr char kFashionMnistDir[] = "/usr/share/datasets/fashion-mnist";

struct DataOptions {
  // fashion_mnist | mnist | cifar10 | stl10 | image_folder
  std::string dataset = "fashion_mnist";
  std::string dir;             // empty: kFashionMnistDir for fashion_mnist, else required
  std::string split = "train";  // train | test (| unlabeled for stl10)
  int64_t max_examples = 0;    // > 0: keep only the first examples
  int64_t pad = 0;             // pixels added on every side (28 + 2*2 = 32)
  int64_t resize = 0;          // > 0: bilinear resize to resize x resize
  bool random_flip = false;
  int channels = 3;            // image_folder only: 1 or 3
};

// The directory actually read (the default filled in).
std::string DataDirectory(const DataOptions& options);

absl::StatusOr<ImageDataset> LoadDataset(const DataOptions& options);

TransformPipeline MakeTransforms(const DataOptions& options);

// Image size after the transforms, given the dataset's native size.
int64_t TransformedSize(const DataOptions& options, int64_t native_size);

}  // namespace gan

#endif  // GAN_DATA_DATASET_SOURCE_H_
