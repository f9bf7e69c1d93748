#include "gan/data/stl10.h"

#include "absl/strings/str_cat.h"
#include "gan/data/binary_file.h"

namespace gan {

absl::StatusOr<ImageDataset> LoadStl10(const std::string& dir, const std::string& split,
                                       int64_t max_images) {
  if (split != "unlabeled" && split != "train" && split != "test") {
    return absl::InvalidArgumentError(
        absl::StrCat("STL-10 split '", split, "' is not one of unlabeled, train, test"));
  }
  const std::string nested = dir + "/stl10_binary";
  const std::string images_name = split + "_X.bin";
  const std::string root = PathExists(nested + "/" + images_name) ? nested : dir;
  const std::string images_path = root + "/" + images_name;
  if (!PathExists(images_path)) {
    return absl::NotFoundError(absl::StrCat(
        "STL-10 file '", images_path, "' is missing: unpack stl10_binary.tar.gz (from the "
        "STL-10 page of Stanford's Coates et al.) into '", dir,
        "' so that it holds stl10_binary/", images_name));
  }
  absl::StatusOr<torch::Tensor> records =
      ReadRecords(images_path, kStl10ImageBytes, "STL-10 image of 3x96x96 bytes", max_images);
  if (!records.ok()) return records.status();

  ImageDataset dataset;
  // Stored column-major: the file's [C, W, H] becomes [C, H, W].
  dataset.images = records->reshape({-1, 3, 96, 96}).transpose(2, 3).contiguous();
  dataset.class_names = {"airplane", "bird", "car",    "cat",  "deer",
                         "dog",      "horse", "monkey", "ship", "truck"};
  if (split == "unlabeled") {
    dataset.class_names.clear();
    return dataset;
  }
  const std::string labels_path = root + "/" + split + "_y.bin";
  if (!PathExists(labels_path)) {
    return absl::NotFoundError(absl::StrCat("STL-10 labels '", labels_path, "' are missing"));
  }
  absl::StatusOr<torch::Tensor> labels =
      ReadRecords(labels_path, 1, "label byte", dataset.images.size(0));
  if (!labels.ok()) return labels.status();
  if (labels->size(0) != dataset.images.size(0)) {
    return absl::DataLossError(absl::StrCat("'", labels_path, "' has ", labels->size(0),
                                            " labels for ", dataset.images.size(0),
                                            " images in '", images_path, "'"));
  }
  dataset.labels = labels->reshape({-1}).to(torch::kLong) - 1;
  const int64_t low = dataset.labels.min().item<int64_t>();
  const int64_t high = dataset.labels.max().item<int64_t>();
  if (low < 0 || high > 9) {
    return absl::DataLossError(absl::StrCat("'", labels_path, "' has labels outside 1..10"));
  }
  dataset.num_classes = 10;
  return dataset;
}

}  // namespace gan
