#include "gan/data/cifar10.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "gan/data/binary_file.h"

namespace gan {
namespace {

ImageDataset WithCifar10Classes(torch::Tensor images, torch::Tensor labels) {
  ImageDataset dataset;
  dataset.images = std::move(images);
  dataset.labels = std::move(labels);
  dataset.num_classes = 10;
  dataset.class_names = {"airplane", "automobile", "bird", "cat", "deer",
                         "dog",      "frog",       "horse", "ship", "truck"};
  return dataset;
}

}  // namespace

absl::StatusOr<ImageDataset> ParseCifar10Records(const torch::Tensor& records,
                                                 const std::string& source) {
  torch::Tensor labels = records.select(1, 0).to(torch::kLong);
  const int64_t max_label = labels.max().item<int64_t>();
  if (max_label > 9) {
    return absl::DataLossError(absl::StrCat("'", source, "' has label ", max_label,
                                            ", expected 0..9: not a CIFAR-10 batch file"));
  }
  return WithCifar10Classes(records.slice(1, 1).reshape({-1, 3, 32, 32}).contiguous(),
                            std::move(labels));
}

absl::StatusOr<ImageDataset> LoadCifar10(const std::string& dir, const std::string& split) {
  std::vector<std::string> names;
  if (split == "train") {
    for (int i = 1; i <= 5; ++i) names.push_back(absl::StrCat("data_batch_", i, ".bin"));
  } else if (split == "test") {
    names.push_back("test_batch.bin");
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("CIFAR-10 split '", split, "' is not one of train, test"));
  }
  const std::string nested = dir + "/cifar-10-batches-bin";
  const std::string root = PathExists(nested + "/" + names[0]) ? nested : dir;

  std::vector<torch::Tensor> images, labels;
  for (const std::string& name : names) {
    const std::string path = root + "/" + name;
    if (!PathExists(path)) {
      return absl::NotFoundError(absl::StrCat(
          "CIFAR-10 file '", path, "' is missing: unpack cifar-10-binary.tar.gz (from the "
          "CIFAR-10 page of the University of Toronto) into '", dir, "'"));
    }
    absl::StatusOr<torch::Tensor> records = ReadRecords(path, kCifar10RecordBytes,
                                                        "CIFAR-10 record of 3073 bytes");
    if (!records.ok()) return records.status();
    absl::StatusOr<ImageDataset> part = ParseCifar10Records(*records, path);
    if (!part.ok()) return part.status();
    images.push_back(part->images);
    labels.push_back(part->labels);
  }
  return WithCifar10Classes(torch::cat(images), torch::cat(labels));
}

}  // namespace gan
