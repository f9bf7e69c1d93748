#include "gan/networks/dcgan/dcgan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/utils.h>

namespace gan {
namespace {

int64_t ParameterCount(torch::nn::Module& module) {
  int64_t count = 0;
  for (const auto& p : module.parameters()) count += p.numel();
  return count;
}

std::vector<int64_t> Shape(const torch::Tensor& t) { return t.sizes().vec(); }

TEST(DcganTest, Stl10NetworkMatchesItsLayerListLayerForLayer) {
  torch::manual_seed(0);
  const DcganSpec spec = Stl10DcganSpec();
  auto g = MakeDcganGenerator(spec);
  auto d = MakeDcganDiscriminator(spec);
  // Counts worked out by hand from the layer list (conv weights + biases + BN).
  EXPECT_EQ(ParameterCount(*g), 1353507);
  EXPECT_EQ(ParameterCount(*d), 1571073);
  const auto g_params = g->named_parameters();
  EXPECT_EQ(Shape(g_params["body.0.weight"]), (std::vector<int64_t>{128, 256, 6, 6}));
  EXPECT_EQ(Shape(g_params["body.12.weight"]), (std::vector<int64_t>{32, 3, 2, 2}));
  const torch::Tensor z = torch::randn({4, 128});
  const torch::Tensor images = g->forward(z);
  EXPECT_EQ(Shape(images), (std::vector<int64_t>{4, 3, 96, 96}));
  EXPECT_LE(images.abs().max().item<float>(), 1.0f);
  EXPECT_EQ(Shape(d->forward(images)), (std::vector<int64_t>{4}));
}

TEST(DcganTest, Stl10ConvWeightsAreNormalWithStd002) {
  torch::manual_seed(1);
  auto d = MakeDcganDiscriminator(Stl10DcganSpec());
  const torch::Tensor w = d->named_parameters()["features.16.weight"];  // 256 -> 512 conv
  ASSERT_EQ(Shape(w), (std::vector<int64_t>{512, 256, 3, 3}));
  EXPECT_NEAR(w.mean().item<float>(), 0.0, 1e-3);
  EXPECT_NEAR(w.std().item<float>(), 0.02, 5e-4);
}

TEST(DcganTest, LibtorchExampleShapes) {
  const DcganSpec spec = LibtorchExampleDcganSpec();
  auto g = MakeDcganGenerator(spec);
  auto d = MakeDcganDiscriminator(spec);
  EXPECT_EQ(ParameterCount(*g), 837504);
  const torch::Tensor images = g->forward(torch::randn({3, 100}));
  EXPECT_EQ(Shape(images), (std::vector<int64_t>{3, 1, 28, 28}));
  EXPECT_EQ(Shape(d->forward(images)), (std::vector<int64_t>{3}));
}

TEST(DcganTest, StandardDcganAt32And64WithGradients) {
  for (int64_t size : {32, 64}) {
    auto spec = DcganSpecByName("standard", size, 3, 8, 16);
    ASSERT_TRUE(spec.ok()) << spec.status();
    auto g = MakeDcganGenerator(*spec);
    auto d = MakeDcganDiscriminator(*spec);
    EXPECT_EQ(g->latent_dim(), 16);
    EXPECT_EQ(g->image_size(), size);
    const torch::Tensor images = g->forward(torch::randn({2, 16}));
    ASSERT_EQ(Shape(images), (std::vector<int64_t>{2, 3, size, size}));
    d->forward(images).sum().backward();
    for (const auto& p : g->parameters()) {
      ASSERT_TRUE(p.grad().defined());
    }
    EXPECT_GT(g->parameters()[0].grad().abs().sum().item<float>(), 0);
    EXPECT_GT(d->parameters()[0].grad().abs().sum().item<float>(), 0);
  }
}

TEST(DcganTest, FeaturesFeedTheHead) {
  auto d = MakeDcganDiscriminator(Stl10DcganSpec());
  const torch::Tensor images = torch::randn({2, 3, 96, 96});
  EXPECT_EQ(Shape(d->features(images, {})), (std::vector<int64_t>{2, 512, 1, 1}));
}

TEST(DcganTest, MinibatchDiscriminationHead) {
  DcganSpec spec = StandardDcganSpec(32, 1, 4, 8);
  spec.discriminator.minibatch_kernels = 6;
  spec.discriminator.minibatch_kernel_dim = 3;
  auto d = MakeDcganDiscriminator(spec);
  const auto params = d->named_parameters();
  // Features: 16 channels at 4x4 = 256, plus 6 minibatch features.
  EXPECT_EQ(Shape(params["head.1.T"]), (std::vector<int64_t>{256, 18}));
  EXPECT_EQ(Shape(params["head.2.weight"]), (std::vector<int64_t>{1, 256 + 6}));
  const torch::Tensor logits = d->forward(torch::randn({5, 1, 32, 32}));
  EXPECT_EQ(Shape(logits), (std::vector<int64_t>{5}));
  logits.sum().backward();
  EXPECT_GT(params["head.1.T"].grad().abs().sum().item<float>(), 0);
}

TEST(DcganTest, ChannelsAndLatentOverrides) {
  auto spec = DcganSpecByName("stl10_96", 96, 1, 0, 64);
  ASSERT_TRUE(spec.ok());
  auto g = MakeDcganGenerator(*spec);
  EXPECT_EQ(Shape(g->forward(torch::randn({2, 64}))), (std::vector<int64_t>{2, 1, 96, 96}));
  EXPECT_EQ(g->image_channels(), 1);
}

TEST(DcganTest, UnsupportedSizesAndVariantsAreClearErrors) {
  EXPECT_THAT(std::string(DcganSpecByName("standard", 28, 1, 8, 0).status().message()),
              ::testing::HasSubstr("32 and 64, got 28"));
  EXPECT_THAT(std::string(DcganSpecByName("stl10_96", 32, 3, 0, 0).status().message()),
              ::testing::HasSubstr("makes 96x96 images, but the data is 32x32"));
  // The variant's former name says what it is called now.
  EXPECT_THAT(std::string(DcganSpecByName("seed000", 96, 3, 0, 0).status().message()),
              ::testing::HasSubstr("DCGAN variant 'seed000' is now called 'stl10_96'"));
  EXPECT_THAT(std::string(DcganSpecByName("big", 32, 3, 0, 0).status().message()),
              ::testing::HasSubstr("'big'"));
}

}  // namespace
}  // namespace gan
