#include "gan/data/dataset_source.h"

#include "absl/strings/str_cat.h"
#include "gan/data/cifar10.h"
#include "gan/data/idx.h"
#include "gan/data/image_folder.h"
#include "gan/data/stl10.h"

namespace gan {

std::string DataDirectory(const DataOptions& options) {
  if (!options.dir.empty()) return options.dir;
  return options.dataset == "fashion_mnist" ? kFashionMnistDir : "";
}

absl::StatusOr<ImageDataset> LoadDataset(const DataOptions& options) {
  const std::string dir = DataDirectory(options);
  if (dir.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dataset '", options.dataset, "' needs a directory: set data.dir or --data_dir"));
  }
  absl::StatusOr<ImageDataset> dataset;
  if (options.dataset == "fashion_mnist" || options.dataset == "mnist") {
    dataset = LoadMnistFormat(dir, options.split);
  } else if (options.dataset == "cifar10") {
    dataset = LoadCifar10(dir, options.split);
  } else if (options.dataset == "stl10") {
    dataset = LoadStl10(dir, options.split, options.max_examples);
  } else if (options.dataset == "image_folder") {
    ImageFolderOptions folder;
    folder.channels = options.channels;
    dataset = LoadImageFolder(dir, folder);
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "data.dataset '", options.dataset,
        "' is not one of fashion_mnist, mnist, cifar10, stl10, image_folder"));
  }
  if (!dataset.ok() || options.max_examples <= 0 || dataset->size() <= options.max_examples) {
    return dataset;
  }
  dataset->images = dataset->images.slice(0, 0, options.max_examples);
  if (dataset->has_labels()) dataset->labels = dataset->labels.slice(0, 0, options.max_examples);
  return dataset;
}

TransformPipeline MakeTransforms(const DataOptions& options) {
  TransformPipeline pipeline({ScaleToMinusOneOne()});
  if (options.pad > 0) pipeline.Add(Pad(options.pad));
  if (options.resize > 0) pipeline.Add(Resize(options.resize));
  if (options.random_flip) pipeline.Add(RandomHorizontalFlip(0.5));
  return pipeline;
}

int64_t TransformedSize(const DataOptions& options, int64_t native_size) {
  return options.resize > 0 ? options.resize : native_size + 2 * options.pad;
}

}  // namespace gan
