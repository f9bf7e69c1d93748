#include "gan/data/image_folder.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <vector>

#include <torch/nn/functional/upsampling.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gan/data/image_file.h"

namespace gan {
namespace {

bool IsImageName(const std::string& name) {
  const std::string lower = absl::AsciiStrToLower(name);
  return absl::EndsWith(lower, ".png") || absl::EndsWith(lower, ".jpg") ||
         absl::EndsWith(lower, ".jpeg");
}

// Sorted entries of `dir`: sub-directories and image files, hidden names skipped.
absl::Status ListDirectory(const std::string& dir, std::vector<std::string>* subdirs,
                           std::vector<std::string>* images) {
  DIR* handle = opendir(dir.c_str());
  if (handle == nullptr) {
    return absl::NotFoundError(absl::StrCat("cannot open image folder '", dir, "'"));
  }
  while (dirent* entry = readdir(handle)) {
    const std::string name = entry->d_name;
    if (name.empty() || name[0] == '.') continue;
    struct stat info;
    if (stat((dir + "/" + name).c_str(), &info) != 0) continue;
    if (S_ISDIR(info.st_mode)) {
      subdirs->push_back(name);
    } else if (IsImageName(name)) {
      images->push_back(name);
    }
  }
  closedir(handle);
  std::sort(subdirs->begin(), subdirs->end());
  std::sort(images->begin(), images->end());
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ImageDataset> LoadImageFolder(const std::string& dir,
                                             const ImageFolderOptions& options) {
  std::vector<std::string> classes, top_images;
  absl::Status status = ListDirectory(dir, &classes, &top_images);
  if (!status.ok()) return status;

  std::vector<std::pair<std::string, int64_t>> files;  // path, label
  for (const std::string& name : top_images) files.emplace_back(dir + "/" + name, -1);
  for (size_t label = 0; label < classes.size(); ++label) {
    std::vector<std::string> nested, images;
    status = ListDirectory(dir + "/" + classes[label], &nested, &images);
    if (!status.ok()) return status;
    for (const std::string& name : images) {
      files.emplace_back(dir + "/" + classes[label] + "/" + name, label);
    }
  }
  if (files.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "image folder '", dir, "' has no .png/.jpg/.jpeg files (directly or one level down)"));
  }
  const bool labelled = top_images.empty();
  if (!labelled && !classes.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "image folder '", dir, "' mixes images and class sub-folders; use one or the other"));
  }

  std::vector<torch::Tensor> images;
  std::vector<int64_t> labels;
  for (const auto& [path, label] : files) {
    absl::StatusOr<torch::Tensor> image = ReadImageFile(path, options.channels);
    if (!image.ok()) return image.status();
    torch::Tensor pixels = *image;
    if (options.image_size > 0 &&
        (pixels.size(1) != options.image_size || pixels.size(2) != options.image_size)) {
      pixels = torch::nn::functional::interpolate(
                   pixels.unsqueeze(0).to(torch::kFloat),
                   torch::nn::functional::InterpolateFuncOptions()
                       .size(std::vector<int64_t>{options.image_size, options.image_size})
                       .mode(torch::kBilinear)
                       .align_corners(false))
                   .round()
                   .clamp(0, 255)
                   .to(torch::kUInt8)
                   .squeeze(0);
    } else if (!images.empty() && pixels.sizes() != images.front().sizes()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", path, "' is ", pixels.size(2), "x", pixels.size(1), " but '", files[0].first,
          "' is ", images.front().size(2), "x", images.front().size(1),
          "; set an image size to resize them all"));
    }
    images.push_back(pixels);
    labels.push_back(label);
  }
  ImageDataset dataset;
  dataset.images = torch::stack(images);
  if (labelled) {
    dataset.labels = torch::tensor(labels, torch::kLong);
    dataset.num_classes = static_cast<int64_t>(classes.size());
    dataset.class_names = classes;
  }
  return dataset;
}

}  // namespace gan
