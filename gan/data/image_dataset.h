// An in-memory image dataset as every loader in gan/data returns it: uint8 pixels in
// NCHW and, where the format has them, int64 class labels.
#ifndef GAN_DATA_IMAGE_DATASET_H_
#define GAN_DATA_IMAGE_DATASET_H_

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

namespace gan {

struct ImageDataset {
  torch::Tensor images;  // uint8 [N, C, H, W]
  torch::Tensor labels;  // int64 [N], or undefined when the data has no labels
  int64_t num_classes = 0;               // 0 when unlabelled
  std::vector<std::string> class_names;  // optional, size num_classes when known

  int64_t size() const { return images.defined() ? images.size(0) : 0; }
  bool has_labels() const { return labels.defined(); }
};

}  // namespace gan

#endif  // GAN_DATA_IMAGE_DATASET_H_
