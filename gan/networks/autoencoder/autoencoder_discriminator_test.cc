#include "gan/networks/autoencoder/autoencoder_discriminator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/optim/adam.h>
#include <torch/utils.h>

namespace gan {
namespace {

TEST(AutoencoderDiscriminatorTest, ShapesAt32And64) {
  for (int64_t size : {32, 64}) {
    for (bool elu : {false, true}) {
      AutoencoderDiscriminator d({.image_size = size, .image_channels = 3, .width = 8,
                                  .code_dim = 16, .batch_norm = !elu, .elu = elu});
      const torch::Tensor images = torch::randn({2, 3, size, size});
      EXPECT_EQ(d.Encode(images).sizes().vec(), (std::vector<int64_t>{2, 16}));
      EXPECT_EQ(d.forward(images).sizes().vec(), images.sizes().vec());
    }
  }
}

TEST(AutoencoderDiscriminatorTest, LearnsToReconstruct) {
  torch::manual_seed(0);
  AutoencoderDiscriminator d({.image_size = 32, .image_channels = 1, .width = 8, .code_dim = 8});
  torch::optim::Adam adam(d.parameters(), torch::optim::AdamOptions(2e-3));
  const torch::Tensor images = torch::rand({8, 1, 32, 32}) * 2 - 1;
  double first = 0, last = 0;
  for (int i = 0; i < 60; ++i) {
    const torch::Tensor loss = (d.forward(images) - images).pow(2).mean();
    adam.zero_grad();
    loss.backward();
    adam.step();
    (i == 0 ? first : last) = loss.item<double>();
  }
  EXPECT_LT(last, 0.5 * first);
}

TEST(AutoencoderDiscriminatorTest, RejectsUnsupportedSize) {
  EXPECT_THAT(std::string(ValidateAutoencoderOptions({.image_size = 28}).message()),
              ::testing::HasSubstr("32 and 64, got 28"));
}

}  // namespace
}  // namespace gan
