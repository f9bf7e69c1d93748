#include "gan/train/frozen_blocks.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "gan/networks/dcgan/dcgan.h"

namespace gan {
namespace {

TEST(FrozenBlocksTest, FrozenParametersNeverRequireGradientsAndKeepTheirValuesWhenClipped) {
  auto d = MakeDcganDiscriminator(StandardDcganSpec(32, 1, 4, 8));
  const std::vector<std::vector<torch::Tensor>> blocks = d->block_parameters();
  ASSERT_EQ(blocks.size(), 3u);
  {
    torch::NoGradGuard no_grad;
    for (torch::Tensor& p : d->parameters()) p.fill_(0.5);
  }
  FrozenBlocks frozen(*d, 1);
  const auto requires_grad = [](const std::vector<torch::Tensor>& block) {
    return block.front().requires_grad();
  };
  EXPECT_FALSE(requires_grad(blocks[0]));
  EXPECT_TRUE(requires_grad(blocks[1]));
  frozen.SetTrainable(false);
  EXPECT_FALSE(requires_grad(blocks[1]));
  frozen.SetTrainable(true);
  EXPECT_FALSE(requires_grad(blocks[0]));
  EXPECT_TRUE(requires_grad(blocks[2]));

  frozen.ClipTrained(0.01);
  for (const torch::Tensor& p : blocks[0]) EXPECT_TRUE(p.eq(0.5).all().item<bool>());
  for (const torch::Tensor& p : d->parameters()) EXPECT_LE(p.max().item<double>(), 0.5);
  for (const torch::Tensor& p : blocks[1]) EXPECT_TRUE(p.eq(0.01).all().item<bool>());
}

TEST(FrozenBlocksTest, WithoutFrozenBlocksClippingClampsEveryParameter) {
  auto d = MakeDcganDiscriminator(StandardDcganSpec(32, 1, 4, 8));
  FrozenBlocks frozen(*d, 0);
  frozen.ClipTrained(0.01);
  for (const torch::Tensor& p : d->parameters()) {
    EXPECT_LE(p.abs().max().item<double>(), 0.01 + 1e-9);
  }
}

TEST(FrozenBlocksTest, RefusesMoreBlocksThanTheDiscriminatorHasNamingTheKey) {
  auto d = MakeDcganDiscriminator(StandardDcganSpec(32, 1, 4, 8));
  EXPECT_TRUE(CheckFrozenBlocks(*d, 3).ok());
  const absl::Status status = CheckFrozenBlocks(*d, 4);
  EXPECT_NE(status.message().find("update.freeze_d_blocks"), std::string::npos) << status;
  EXPECT_NE(status.message().find("has 3 blocks"), std::string::npos) << status;
}

}  // namespace
}  // namespace gan
