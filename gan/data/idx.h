// The IDX format of MNIST and Fashion-MNIST (plain or gzip-compressed).
//
//   ASSIGN_OR_RETURN(gan::ImageDataset train,
//                    gan::LoadMnistFormat("/usr/share/datasets/fashion-mnist", "train"));
#ifndef GAN_DATA_IDX_H_
#define GAN_DATA_IDX_H_

#include <string>

#include "absl/status/statusor.h"
#include "gan/data/image_dataset.h"

namespace gan {

// Reads one IDX file of unsigned bytes (type 0x08) into a uint8 tensor with the file's
// dimensions. Gzip is detected by content. Wrong magic, unsupported element types,
// truncated data and trailing bytes are errors naming the file.
absl::StatusOr<torch::Tensor> ReadIdxFile(const std::string& path);

// An images file [N, H, W] with an optional labels file [N] (pass "" for none).
absl::StatusOr<ImageDataset> LoadIdxDataset(const std::string& images_path,
                                            const std::string& labels_path);

// `split` is "train" or "test": reads <dir>/{train,t10k}-{images-idx3,labels-idx1}-ubyte
// with or without .gz. Ten classes.
absl::StatusOr<ImageDataset> LoadMnistFormat(const std::string& dir, const std::string& split);

}  // namespace gan

#endif  // GAN_DATA_IDX_H_
