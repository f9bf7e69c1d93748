// Tests for the IDX, CIFAR-10, STL-10 and image-folder readers on fixtures written in the
// real formats, and on the real Fashion-MNIST files where installed.
// jpeglib.h uses FILE and size_t without including their headers.
#include <cstdio>

#include <jpeglib.h>
#include <zlib.h>

#include <cstdlib>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gan/core/atomic_file.h"
#include "gan/core/image_grid.h"
#include "gan/core/run_directory.h"
#include "gan/data/binary_file.h"
#include "gan/data/cifar10.h"
#include "gan/data/dataset_source.h"
#include "gan/data/idx.h"
#include "gan/data/image_folder.h"
#include "gan/data/stl10.h"

namespace gan {
namespace {

using ::testing::HasSubstr;

std::string TestDir(const std::string& name) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  EXPECT_TRUE(MakeDirectories(dir).ok());
  return dir;
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  ASSERT_TRUE(WriteFileAtomically(path, bytes).ok());
}

void WriteGzip(const std::string& path, const std::string& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(gzwrite(file, bytes.data(), bytes.size()), static_cast<int>(bytes.size()));
  gzclose(file);
}

std::string IdxBytes(const std::vector<int>& dims, const std::vector<uint8_t>& data) {
  std::string bytes = {0, 0, 8, static_cast<char>(dims.size())};
  for (int dim : dims) {
    for (int shift : {24, 16, 8, 0}) bytes.push_back(static_cast<char>((dim >> shift) & 0xff));
  }
  bytes.append(data.begin(), data.end());
  return bytes;
}

std::string Message(const absl::Status& status) { return std::string(status.message()); }

// --- IDX -----------------------------------------------------------------------------

TEST(IdxTest, ReadsPlainAndGzipIdenticallyWithShape) {
  const std::string dir = TestDir("idx_read");
  std::vector<uint8_t> pixels(2 * 2 * 3);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 10);
  const std::string bytes = IdxBytes({2, 2, 3}, pixels);
  WriteBytes(dir + "/plain", bytes);
  WriteGzip(dir + "/zipped.gz", bytes);
  for (const std::string name : {"plain", "zipped.gz"}) {
    auto tensor = ReadIdxFile(dir + "/" + name);
    ASSERT_TRUE(tensor.ok()) << tensor.status();
    EXPECT_EQ(tensor->sizes(), (std::vector<int64_t>{2, 2, 3}));
    EXPECT_EQ(tensor->index({1, 0, 2}).item<int>(), (6 + 2) * 10);
  }
}

TEST(IdxTest, RejectsWrongMagicTruncationTrailingBytesAndTypes) {
  const std::string dir = TestDir("idx_bad");
  WriteBytes(dir + "/magic", std::string("\x12\x34\x08\x01\x00\x00\x00\x01\x05", 9));
  EXPECT_THAT(Message(ReadIdxFile(dir + "/magic").status()), HasSubstr("not an IDX file"));

  const std::string full = IdxBytes({4, 2}, std::vector<uint8_t>(8, 1));
  WriteBytes(dir + "/short", full.substr(0, full.size() - 3));
  const absl::Status truncated = ReadIdxFile(dir + "/short").status();
  EXPECT_EQ(truncated.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(Message(truncated), HasSubstr("truncated"));
  EXPECT_THAT(Message(truncated), HasSubstr(dir + "/short"));
  EXPECT_THAT(Message(truncated), HasSubstr("promises 8 bytes of data, found 5"));

  WriteGzip(dir + "/short.gz", full.substr(0, full.size() - 3));
  EXPECT_THAT(Message(ReadIdxFile(dir + "/short.gz").status()), HasSubstr("truncated"));

  WriteBytes(dir + "/long", full + "xx");
  EXPECT_THAT(Message(ReadIdxFile(dir + "/long").status()), HasSubstr("bytes after"));

  std::string floats = full;
  floats[2] = 0x0D;
  WriteBytes(dir + "/floats", floats);
  EXPECT_THAT(Message(ReadIdxFile(dir + "/floats").status()), HasSubstr("0xd is not supported"));

  EXPECT_EQ(ReadIdxFile(dir + "/missing").status().code(), absl::StatusCode::kNotFound);
}

TEST(IdxTest, DatasetChecksLabelCount) {
  const std::string dir = TestDir("idx_labels");
  WriteBytes(dir + "/images", IdxBytes({3, 2, 2}, std::vector<uint8_t>(12, 7)));
  WriteBytes(dir + "/labels", IdxBytes({2}, {1, 2}));
  const absl::Status status = LoadIdxDataset(dir + "/images", dir + "/labels").status();
  EXPECT_THAT(Message(status), HasSubstr("expected one per image"));
  WriteBytes(dir + "/labels", IdxBytes({3}, {1, 2, 0}));
  auto dataset = LoadIdxDataset(dir + "/images", dir + "/labels");
  ASSERT_TRUE(dataset.ok());
  EXPECT_EQ(dataset->images.sizes(), (std::vector<int64_t>{3, 1, 2, 2}));
  EXPECT_EQ(dataset->labels.scalar_type(), torch::kLong);
  EXPECT_EQ(dataset->labels[1].item<int64_t>(), 2);
}

TEST(IdxTest, MnistFormatDirectoryFindsGzipFilesAndExplainsMissingData) {
  const std::string dir = TestDir("mnist_dir");
  WriteGzip(dir + "/t10k-images-idx3-ubyte.gz", IdxBytes({2, 28, 28}, std::vector<uint8_t>(2 * 784, 3)));
  WriteGzip(dir + "/t10k-labels-idx1-ubyte.gz", IdxBytes({2}, {9, 0}));
  auto dataset = LoadMnistFormat(dir, "test");
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_EQ(dataset->num_classes, 10);
  const absl::Status missing = LoadMnistFormat(dir, "train").status();
  EXPECT_THAT(Message(missing), HasSubstr("train-images-idx3-ubyte"));
  EXPECT_THAT(Message(missing), HasSubstr("dataset-fashion-mnist"));
  EXPECT_THAT(Message(LoadMnistFormat(dir, "val").status()), HasSubstr("'val'"));
}

TEST(IdxTest, RealFashionMnistTestSplit) {
  if (!PathExists(std::string(kFashionMnistDir) + "/t10k-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  }
  auto dataset = LoadMnistFormat(kFashionMnistDir, "test");
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_EQ(dataset->images.sizes(), (std::vector<int64_t>{10000, 1, 28, 28}));
  // The test split is balanced: 1,000 images of each of the 10 classes.
  const torch::Tensor counts = torch::bincount(dataset->labels);
  EXPECT_TRUE(counts.eq(1000).all().item<bool>()) << counts;
}

// --- CIFAR-10 ------------------------------------------------------------------------

std::string CifarRecords(int count) {
  std::string bytes;
  for (int r = 0; r < count; ++r) {
    bytes.push_back(static_cast<char>(r % 10));
    for (int c = 0; c < 3; ++c) {
      for (int p = 0; p < 1024; ++p) bytes.push_back(static_cast<char>(c * 50 + r + (p % 7)));
    }
  }
  return bytes;
}

TEST(Cifar10Test, ReadsAllTrainBatchesInChannelMajorOrder) {
  const std::string dir = TestDir("cifar");
  const std::string nested = dir + "/cifar-10-batches-bin";
  ASSERT_TRUE(MakeDirectories(nested).ok());
  for (int i = 1; i <= 5; ++i) WriteBytes(nested + "/data_batch_" + std::to_string(i) + ".bin", CifarRecords(3));
  auto dataset = LoadCifar10(dir, "train");
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_EQ(dataset->images.sizes(), (std::vector<int64_t>{15, 3, 32, 32}));
  EXPECT_EQ(dataset->labels[4].item<int64_t>(), 1);
  // Record 2, channel 1, pixel (0, 3) = 50 + 2 + 3.
  EXPECT_EQ(dataset->images.index({2, 1, 0, 3}).item<int>(), 55);
  EXPECT_EQ(dataset->class_names[1], "automobile");
}

TEST(Cifar10Test, ErrorsNameTheFile) {
  const std::string dir = TestDir("cifar_bad");
  EXPECT_THAT(Message(LoadCifar10(dir, "test").status()), HasSubstr(dir + "/test_batch.bin"));
  WriteBytes(dir + "/test_batch.bin", CifarRecords(2).substr(0, 5000));
  const absl::Status truncated = LoadCifar10(dir, "test").status();
  EXPECT_THAT(Message(truncated), HasSubstr("5000 bytes, expected a positive multiple of 3073"));
  std::string bad_label = CifarRecords(1);
  bad_label[0] = 42;
  WriteBytes(dir + "/test_batch.bin", bad_label);
  EXPECT_THAT(Message(LoadCifar10(dir, "test").status()), HasSubstr("label 42"));
}

// --- STL-10 --------------------------------------------------------------------------

TEST(Stl10Test, TransposesColumnMajorImagesAndShiftsLabels) {
  const std::string dir = TestDir("stl");
  std::string images(2 * kStl10ImageBytes, 0);
  // Image 1, channel 2: the file stores pixel (row=5, col=7) at column-major 7*96+5.
  images[kStl10ImageBytes + 2 * 96 * 96 + 7 * 96 + 5] = static_cast<char>(200);
  WriteBytes(dir + "/train_X.bin", images);
  WriteBytes(dir + "/train_y.bin", std::string("\x01\x0a", 2));
  auto dataset = LoadStl10(dir, "train");
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_EQ(dataset->images.sizes(), (std::vector<int64_t>{2, 3, 96, 96}));
  EXPECT_EQ(dataset->images.index({1, 2, 5, 7}).item<int>(), 200);
  EXPECT_EQ(dataset->images.sum().item<int64_t>(), 200);
  EXPECT_EQ(dataset->labels[0].item<int64_t>(), 0);
  EXPECT_EQ(dataset->labels[1].item<int64_t>(), 9);
}

TEST(Stl10Test, UnlabeledSplitLimitsAndErrors) {
  const std::string dir = TestDir("stl_unlabeled");
  const std::string missing = Message(LoadStl10(dir, "unlabeled").status());
  EXPECT_THAT(missing, HasSubstr("unlabeled_X.bin"));
  EXPECT_THAT(missing, HasSubstr("stl10_binary.tar.gz"));
  WriteBytes(dir + "/unlabeled_X.bin", std::string(3 * kStl10ImageBytes, 1));
  auto dataset = LoadStl10(dir, "unlabeled", /*max_images=*/2);
  ASSERT_TRUE(dataset.ok());
  EXPECT_EQ(dataset->size(), 2);
  EXPECT_FALSE(dataset->has_labels());
  WriteBytes(dir + "/unlabeled_X.bin", std::string(kStl10ImageBytes + 10, 1));
  EXPECT_THAT(Message(LoadStl10(dir, "unlabeled").status()), HasSubstr("truncated"));
}

// --- Image folders -------------------------------------------------------------------

void WriteJpeg(const std::string& path, int width, int height, uint8_t value) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  jpeg_compress_struct info;
  jpeg_error_mgr errors;
  info.err = jpeg_std_error(&errors);
  jpeg_create_compress(&info);
  jpeg_stdio_dest(&info, file);
  info.image_width = width;
  info.image_height = height;
  info.input_components = 3;
  info.in_color_space = JCS_RGB;
  jpeg_set_defaults(&info);
  jpeg_set_quality(&info, 100, TRUE);
  jpeg_start_compress(&info, TRUE);
  std::vector<uint8_t> row(width * 3, value);
  while (info.next_scanline < info.image_height) {
    JSAMPROW pointer = row.data();
    jpeg_write_scanlines(&info, &pointer, 1);
  }
  jpeg_finish_compress(&info);
  jpeg_destroy_compress(&info);
  std::fclose(file);
}

TEST(ImageFolderTest, LabelsFromSortedSubfoldersPngAndJpeg) {
  const std::string dir = TestDir("folder");
  ASSERT_TRUE(MakeDirectories(dir + "/cats").ok());
  ASSERT_TRUE(MakeDirectories(dir + "/apples").ok());
  ASSERT_TRUE(WritePng(torch::full({8, 8, 3}, 40, torch::kUInt8), dir + "/cats/a.png").ok());
  WriteJpeg(dir + "/apples/b.jpg", 8, 8, 200);
  ImageFolderOptions options;
  options.channels = 3;
  auto dataset = LoadImageFolder(dir, options);
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_EQ(dataset->images.sizes(), (std::vector<int64_t>{2, 3, 8, 8}));
  EXPECT_EQ(dataset->class_names, (std::vector<std::string>{"apples", "cats"}));
  EXPECT_EQ(dataset->labels[0].item<int64_t>(), 0);  // apples/b.jpg
  EXPECT_NEAR(dataset->images[0].to(torch::kFloat).mean().item<float>(), 200, 2);
  EXPECT_EQ(dataset->images[1].to(torch::kFloat).mean().item<float>(), 40);
}

TEST(ImageFolderTest, ResizesOrRejectsMismatchedSizes) {
  const std::string dir = TestDir("folder_sizes");
  ASSERT_TRUE(WritePng(torch::zeros({8, 8, 1}, torch::kUInt8), dir + "/a.png").ok());
  ASSERT_TRUE(WritePng(torch::zeros({4, 6, 1}, torch::kUInt8), dir + "/b.png").ok());
  ImageFolderOptions options;
  options.channels = 1;
  EXPECT_THAT(Message(LoadImageFolder(dir, options).status()), HasSubstr("b.png' is 6x4"));
  options.image_size = 16;
  auto dataset = LoadImageFolder(dir, options);
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_EQ(dataset->images.sizes(), (std::vector<int64_t>{2, 1, 16, 16}));
  EXPECT_FALSE(dataset->has_labels());
}

TEST(ImageFolderTest, CorruptFilesAreNamed) {
  const std::string dir = TestDir("folder_corrupt");
  WriteBytes(dir + "/bad.png", "\x89PNG\r\n\x1a\n garbage");
  EXPECT_THAT(Message(LoadImageFolder(dir, {}).status()), HasSubstr("bad.png"));
  WriteBytes(dir + "/bad.png", "not an image");
  EXPECT_THAT(Message(LoadImageFolder(dir, {}).status()), HasSubstr("neither a PNG nor a JPEG"));
  const std::string jpeg_dir = TestDir("folder_corrupt_jpeg");
  WriteBytes(jpeg_dir + "/bad.jpg", std::string("\xff\xd8\xff\xe0garbage", 11));
  EXPECT_THAT(Message(LoadImageFolder(jpeg_dir, {}).status()), HasSubstr("cannot decode JPEG"));
  EXPECT_EQ(LoadImageFolder(TestDir("folder_empty"), {}).status().code(),
            absl::StatusCode::kNotFound);
}

// --- Dataset selection ---------------------------------------------------------------

TEST(DatasetSourceTest, UnknownDatasetAndMissingDirectoryAreExplained) {
  DataOptions options;
  options.dataset = "imagenet";
  options.dir = "/x";
  EXPECT_THAT(Message(LoadDataset(options).status()), HasSubstr("'imagenet' is not one of"));
  options.dataset = "cifar10";
  options.dir = "";
  EXPECT_THAT(Message(LoadDataset(options).status()), HasSubstr("--data_dir"));
}

TEST(DatasetSourceTest, MaxExamplesAndTransformedSize) {
  const std::string dir = TestDir("source_limit");
  WriteBytes(dir + "/test_batch.bin", CifarRecords(5));
  DataOptions options;
  options.dataset = "cifar10";
  options.dir = dir;
  options.split = "test";
  options.max_examples = 3;
  auto dataset = LoadDataset(options);
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_EQ(dataset->size(), 3);
  EXPECT_EQ(dataset->labels.size(0), 3);
  options.pad = 2;
  EXPECT_EQ(TransformedSize(options, 28), 32);
  std::mt19937_64 rng(0);
  const torch::Tensor out = MakeTransforms(options)(dataset->images, rng);
  EXPECT_EQ(out.sizes(), (std::vector<int64_t>{3, 3, 36, 36}));
  EXPECT_EQ(out.index({0, 0, 0, 0}).item<float>(), -1.0f);
}

}  // namespace
}  // namespace gan
