#include "gan/core/image_grid.h"

#include <png.h>

#include <cstdlib>
#include <vector>

#include <gtest/gtest.h>

namespace gan {
namespace {

TEST(MakeImageGridTest, TilesRowMajorWithPaddingAndMapsRange) {
  // Three 1x2x2 images: -1 (black), 0 (mid grey), 1 (white); two columns.
  const torch::Tensor images = torch::stack(
      {torch::full({1, 2, 2}, -1.0), torch::zeros({1, 2, 2}), torch::ones({1, 2, 2})});
  const torch::Tensor grid = MakeImageGrid(images, /*columns=*/2, /*padding=*/1);
  ASSERT_EQ(grid.sizes(), (std::vector<int64_t>{2 * 3 + 1, 2 * 3 + 1, 1}));
  EXPECT_EQ(grid[1][1][0].item<int>(), 0);     // image 0, top-left
  EXPECT_EQ(grid[1][4][0].item<int>(), 128);   // image 1: round(127.5) = 128
  EXPECT_EQ(grid[4][1][0].item<int>(), 255);   // image 2, second row
  EXPECT_EQ(grid[4][4][0].item<int>(), 0);     // empty slot stays black
  EXPECT_EQ(grid[0][0][0].item<int>(), 0);     // padding
}

TEST(MakeImageGridTest, ClampsOutOfRangeValues) {
  const torch::Tensor images = torch::full({1, 3, 1, 1}, 7.0);
  const torch::Tensor grid = MakeImageGrid(images, 1, 0);
  EXPECT_TRUE(grid.eq(255).all().item<bool>());
  EXPECT_EQ(grid.size(2), 3);
}

TEST(SaveImageGridTest, WritesReadablePng) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/grid.png";
  const torch::Tensor images = torch::rand({4, 3, 5, 6}) * 2 - 1;
  ASSERT_TRUE(SaveImageGrid(images, 2, path).ok());

  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  ASSERT_TRUE(png_image_begin_read_from_file(&image, path.c_str()));
  image.format = PNG_FORMAT_RGB;
  std::vector<uint8_t> pixels(PNG_IMAGE_SIZE(image));
  ASSERT_TRUE(png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr));
  EXPECT_EQ(image.width, 2u * 8 + 2);
  EXPECT_EQ(image.height, 2u * 7 + 2);
  const torch::Tensor expected = MakeImageGrid(images, 2);
  const torch::Tensor read = torch::from_blob(pixels.data(), {image.height, image.width, 3},
                                              torch::kUInt8);
  EXPECT_TRUE(read.equal(expected));
}

TEST(WritePngTest, RejectsWrongTensorNamingPath) {
  const absl::Status status = WritePng(torch::zeros({2, 2}), "/tmp/x.png");
  EXPECT_FALSE(status.ok());
  EXPECT_NE(std::string(status.message()).find("/tmp/x.png"), std::string::npos);
}

}  // namespace
}  // namespace gan
