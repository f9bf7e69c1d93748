#include "gan/data/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gan/data/binary_file.h"

namespace gan {
namespace {

// Reads exactly `size` bytes; returns how many were read (fewer at end of file).
int64_t ReadUpTo(gzFile file, uint8_t* out, int64_t size) {
  int64_t total = 0;
  while (total < size) {
    const unsigned chunk = static_cast<unsigned>(std::min<int64_t>(size - total, 1 << 30));
    const int got = gzread(file, out + total, chunk);
    if (got <= 0) break;
    total += got;
  }
  return total;
}

}  // namespace

absl::StatusOr<torch::Tensor> ReadIdxFile(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) {
    return absl::NotFoundError(absl::StrCat("cannot open IDX file '", path, "'"));
  }
  struct Closer {
    gzFile f;
    ~Closer() { gzclose(f); }
  } closer{file};

  uint8_t magic[4];
  if (ReadUpTo(file, magic, 4) != 4 || magic[0] != 0 || magic[1] != 0) {
    return absl::DataLossError(absl::StrCat(
        "'", path, "' is not an IDX file: expected magic bytes 00 00 <type> <ndim>"));
  }
  if (magic[2] != 0x08) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", path, "': IDX element type 0x", absl::Hex(magic[2]),
        " is not supported, expected 0x08 (unsigned byte)"));
  }
  const int ndim = magic[3];
  if (ndim < 1 || ndim > 4) {
    return absl::DataLossError(
        absl::StrCat("'", path, "': IDX header has ", ndim, " dimensions, expected 1 to 4"));
  }
  std::vector<int64_t> dims;
  int64_t count = 1;
  for (int i = 0; i < ndim; ++i) {
    uint8_t raw[4];
    if (ReadUpTo(file, raw, 4) != 4) {
      return absl::DataLossError(absl::StrCat("'", path, "': IDX header is truncated"));
    }
    const int64_t dim = (int64_t{raw[0]} << 24) | (raw[1] << 16) | (raw[2] << 8) | raw[3];
    if (dim <= 0 || dim > (int64_t{1} << 31)) {
      return absl::DataLossError(absl::StrCat("'", path, "': IDX dimension ", i, " is ", dim));
    }
    dims.push_back(dim);
    count *= dim;
    if (count > (int64_t{1} << 36)) {
      return absl::DataLossError(absl::StrCat("'", path, "': IDX header claims ", count,
                                              "+ bytes of data, more than is plausible"));
    }
  }
  // Grow the buffer with the data actually read: a corrupt header must not make us
  // allocate the tens of gigabytes it claims before the truncation is noticed.
  std::vector<uint8_t> bytes;
  int64_t got = 0;
  while (got < count) {
    const int64_t chunk = std::min(count - got, std::max<int64_t>(got, int64_t{1} << 20));
    bytes.resize(static_cast<size_t>(got + chunk));
    const int64_t read = ReadUpTo(file, bytes.data() + got, chunk);
    got += read;
    if (read < chunk) break;
  }
  if (got != count) {
    return absl::DataLossError(absl::StrCat("'", path, "' is truncated: header promises ",
                                            count, " bytes of data, found ", got));
  }
  uint8_t extra;
  if (gzread(file, &extra, 1) == 1) {
    return absl::DataLossError(absl::StrCat(
        "'", path, "' has bytes after the ", count, " the IDX header describes"));
  }
  return torch::from_blob(bytes.data(), dims, torch::kUInt8).clone();
}

absl::StatusOr<ImageDataset> LoadIdxDataset(const std::string& images_path,
                                            const std::string& labels_path) {
  absl::StatusOr<torch::Tensor> images = ReadIdxFile(images_path);
  if (!images.ok()) return images.status();
  if (images->dim() != 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", images_path, "' has ", images->dim(), " dimensions, expected 3 (N, H, W)"));
  }
  ImageDataset dataset;
  dataset.images = images->unsqueeze(1);
  if (labels_path.empty()) return dataset;

  absl::StatusOr<torch::Tensor> labels = ReadIdxFile(labels_path);
  if (!labels.ok()) return labels.status();
  if (labels->dim() != 1 || labels->size(0) != images->size(0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", labels_path, "' holds ", labels->numel(), " labels in ", labels->dim(),
        " dimension(s), expected one per image of '", images_path, "' (", images->size(0),
        ")"));
  }
  dataset.labels = labels->to(torch::kLong);
  dataset.num_classes = dataset.labels.max().item<int64_t>() + 1;
  return dataset;
}

absl::StatusOr<ImageDataset> LoadMnistFormat(const std::string& dir, const std::string& split) {
  std::string prefix;
  if (split == "train") {
    prefix = "train";
  } else if (split == "test") {
    prefix = "t10k";
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("MNIST-format split '", split, "' is not one of train, test"));
  }
  auto find = [&](const std::string& stem) {
    const std::string plain = absl::StrCat(dir, "/", prefix, "-", stem, "-ubyte");
    return PathExists(plain) ? plain : plain + ".gz";
  };
  const std::string images = find("images-idx3");
  if (!PathExists(images)) {
    return absl::NotFoundError(absl::StrCat(
        "no MNIST-format images in '", dir, "': expected ", prefix,
        "-images-idx3-ubyte[.gz] (Fashion-MNIST: `apt-get install dataset-fashion-mnist` "
        "puts it in /usr/share/datasets/fashion-mnist)"));
  }
  const std::string labels = find("labels-idx1");
  absl::StatusOr<ImageDataset> dataset = LoadIdxDataset(images, labels);
  if (!dataset.ok()) return dataset;
  if (dataset->num_classes > 10) {
    return absl::DataLossError(absl::StrCat("'", labels, "' has label ",
                                            dataset->num_classes - 1, ", expected 0..9"));
  }
  dataset->num_classes = 10;
  return dataset;
}

}  // namespace gan
