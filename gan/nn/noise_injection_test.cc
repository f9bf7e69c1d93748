#include "gan/nn/noise_injection.h"

#include <gtest/gtest.h>
#include <torch/utils.h>

namespace gan {
namespace {

TEST(NoiseInjectionTest, ZeroWeightAtInitIsTheIdentity) {
  torch::manual_seed(0);
  NoiseInjection noise(3);
  EXPECT_TRUE(torch::equal(noise->weight, torch::zeros({3})));
  ASSERT_EQ(noise->parameters().size(), 1u);
  const torch::Tensor x = torch::randn({2, 3, 4, 5});
  EXPECT_TRUE(torch::equal(noise(x), x));                               // drawn noise
  EXPECT_TRUE(torch::equal(noise(x, torch::randn({2, 1, 4, 5})), x));  // given noise
}

TEST(NoiseInjectionTest, AddsWeightedNoiseToEveryChannel) {
  NoiseInjection noise(2);
  {
    torch::NoGradGuard no_grad;
    noise->weight.copy_(torch::tensor({0.5f, -2.0f}));
  }
  // One sample, 1x2 pixels. x channel 0 = (1, 2), channel 1 = (3, 4); noise = (10, -1).
  const torch::Tensor x = torch::tensor({1.0f, 2.0f, 3.0f, 4.0f}).view({1, 2, 1, 2});
  const torch::Tensor z = torch::tensor({10.0f, -1.0f}).view({1, 1, 1, 2});
  // (1 + 5, 2 - 0.5), (3 - 20, 4 + 2)
  const torch::Tensor expected = torch::tensor({6.0f, 1.5f, -17.0f, 6.0f}).view({1, 2, 1, 2});
  EXPECT_TRUE(torch::allclose(noise(x, z), expected));

  // Noise with batch 1 is shared by all samples.
  const torch::Tensor x2 = torch::cat({x, x * 0});
  const torch::Tensor y2 = noise(x2, z);
  EXPECT_TRUE(torch::allclose(y2[0], expected[0]));
  EXPECT_TRUE(torch::allclose(y2[1], torch::tensor({5.0f, -0.5f, -20.0f, 2.0f}).view({2, 1, 2})));

  // Drawn noise is one image per sample, shared by the channels: with equal weights and
  // x = 0 every channel of a sample shows the same image.
  {
    torch::NoGradGuard no_grad;
    noise->weight.fill_(1.0f);
  }
  const torch::Tensor drawn = noise(torch::zeros({3, 2, 4, 4}));
  EXPECT_TRUE(torch::equal(drawn.select(1, 0), drawn.select(1, 1)));
  EXPECT_FALSE(torch::equal(drawn[0], drawn[1]));
  EXPECT_THROW(noise(x, torch::zeros({1, 2, 1, 2})), c10::Error);  // noise must be 1-channel
  EXPECT_THROW(noise(torch::zeros({1, 3, 1, 2}), z), c10::Error);
}

TEST(NoiseInjectionTest, WeightGradientIsUpstreamGradTimesNoiseSummed) {
  torch::manual_seed(1);
  NoiseInjection noise(4);
  {
    torch::NoGradGuard no_grad;
    noise->weight.copy_(torch::randn({4}));
  }
  const torch::Tensor x = torch::randn({3, 4, 5, 6}, torch::requires_grad());
  const torch::Tensor z = torch::randn({3, 1, 5, 6});
  const torch::Tensor upstream = torch::randn({3, 4, 5, 6});
  noise(x, z).backward(upstream);
  const torch::Tensor expected = (upstream * z).sum({0, 2, 3});
  EXPECT_TRUE(torch::allclose(noise->weight.grad(), expected, 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(x.grad(), upstream));  // identity path for x
}

}  // namespace
}  // namespace gan
