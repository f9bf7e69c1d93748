#include "benchmarks/flop_count.h"

#include <gtest/gtest.h>
#include <torch/utils.h>

#include "gan/nn/spectral_norm.h"

namespace gan {
namespace {

namespace nn = torch::nn;

TEST(RecordProductsTest, ConvCountsOutputPixelsTimesKernel) {
  nn::Conv2d conv(nn::Conv2dOptions(3, 4, 3).padding(1));
  const torch::Tensor x = torch::randn({2, 3, 8, 8});
  const auto ops = RecordProducts([&] { conv(x); });
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].name, "aten::convolution");
  // N * C_out * H_out * W_out * C_in * k * k = 2 * 4 * 8 * 8 * 3 * 3 * 3.
  EXPECT_EQ(ops[0].macs, 13824);
  EXPECT_FALSE(ops[0].input_grad);
  EXPECT_TRUE(ops[0].weight_grad);
  EXPECT_EQ(ForwardFlops(ops), 27648);
  EXPECT_EQ(BackwardFlops(ops), 27648);  // weight gradient only
}

TEST(RecordProductsTest, StridedConvAndInputGradient) {
  nn::Conv2d conv(nn::Conv2dOptions(3, 4, 3).stride(2).bias(false));
  const torch::Tensor x = torch::randn({2, 3, 9, 9}).requires_grad_(true);
  const auto ops = RecordProducts([&] { conv(x); });
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].macs, 2 * 4 * 4 * 4 * 27);  // output 4x4
  EXPECT_TRUE(ops[0].input_grad);
  EXPECT_EQ(BackwardFlops(ops), 2 * ForwardFlops(ops));
}

TEST(RecordProductsTest, ConvTransposeCountsInputPixelsTimesKernel) {
  nn::ConvTranspose2d deconv(nn::ConvTranspose2dOptions(4, 2, 4).stride(2).padding(1));
  const auto ops = RecordProducts([&] { deconv(torch::randn({1, 4, 5, 5})); });
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].macs, 1 * 4 * 5 * 5 * 2 * 4 * 4);  // N * C_in * H_in * W_in * C_out * k * k
}

TEST(RecordProductsTest, LinearWithAndWithoutBiasCountsOnce) {
  const torch::Tensor x = torch::randn({5, 7});
  for (bool bias : {true, false}) {
    nn::Linear linear(nn::LinearOptions(7, 3).bias(bias));
    const auto ops = RecordProducts([&] { linear(x); });
    ASSERT_EQ(ops.size(), 1u) << "bias " << bias;
    EXPECT_EQ(ops[0].macs, 5 * 7 * 3);
    EXPECT_EQ(ForwardFlops(ops), 210);
    EXPECT_TRUE(ops[0].weight_grad);
  }
}

TEST(RecordProductsTest, SpectralNormLayersCountTheirProductOnly) {
  SNConv2d conv(nn::Conv2dOptions(3, 4, 3).padding(1));
  SNLinear linear(nn::LinearOptions(7, 3));
  const auto conv_ops = RecordProducts([&] { conv(torch::randn({2, 3, 8, 8})); });
  ASSERT_EQ(conv_ops.size(), 1u);
  EXPECT_EQ(conv_ops[0].macs, 13824);
  EXPECT_TRUE(conv_ops[0].weight_grad);  // weight / sigma depends on the parameter
  const auto linear_ops = RecordProducts([&] { linear(torch::randn({5, 7})); });
  ASSERT_EQ(linear_ops.size(), 1u);
  EXPECT_EQ(linear_ops[0].macs, 105);
}

TEST(RecordProductsTest, FrozenWeightsAndNoGradNeedNoBackward) {
  nn::Linear linear(7, 3);
  linear->weight.requires_grad_(false);
  linear->bias.requires_grad_(false);
  auto ops = RecordProducts([&] { linear(torch::randn({5, 7})); });
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_FALSE(ops[0].weight_grad);
  EXPECT_EQ(BackwardFlops(ops), 0);
  nn::Linear trained(7, 3);
  ops = RecordProducts([&] {
    torch::NoGradGuard no_grad;
    trained(torch::randn({5, 7}));
  });
  EXPECT_EQ(BackwardFlops(ops), 0);
}

// G: z [n, 3] -> linear to 16 -> [n, 1, 4, 4]; D: flatten -> linear to 1.
class TinyGenerator : public GeneratorModule {
 public:
  TinyGenerator() { linear_ = register_module("linear", nn::Linear(3, 16)); }
  using GeneratorModule::forward;
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor&) override {
    return linear_(z).view({z.size(0), 1, 4, 4});
  }
  int64_t latent_dim() const override { return 3; }
  int64_t image_size() const override { return 4; }
  int64_t image_channels() const override { return 1; }

 private:
  nn::Linear linear_{nullptr};
};

class TinyDiscriminator : public DiscriminatorModule {
 public:
  TinyDiscriminator() { linear_ = register_module("linear", nn::Linear(16, 1)); }
  using DiscriminatorModule::forward;
  torch::Tensor forward(const torch::Tensor& images, const torch::Tensor&) override {
    return linear_(images.flatten(1)).view({images.size(0)});
  }

 private:
  nn::Linear linear_{nullptr};
};

TEST(CountIterationFlopsTest, SumsTheStepsOfBothUpdateOrders) {
  TinyGenerator g;
  TinyDiscriminator d;
  const IterationFlops flops = CountIterationFlops(g, d, 2);
  EXPECT_EQ(flops.g_forward, 2 * 2 * 3 * 16);
  EXPECT_EQ(flops.g_backward, 2 * 2 * 3 * 16);  // weights only: z needs no gradient
  EXPECT_EQ(flops.d_forward, 2 * 2 * 16);
  EXPECT_EQ(flops.d_backward_d_step, 2 * 2 * 16);  // weights only
  EXPECT_EQ(flops.d_backward_g_step, 2 * 2 * 16);  // input only
  // G step: 192 + 64 + 64 + 192; D step: 2 * (64 + 64), plus 192 for D first's fakes.
  EXPECT_EQ(flops.Total(/*generator_first=*/true), 512 + 256);
  EXPECT_EQ(flops.Total(/*generator_first=*/false), 512 + 256 + 192);
  // Modes and flags are restored.
  EXPECT_TRUE(g.is_training());
  EXPECT_TRUE(d.is_training());
  for (const auto& p : d.parameters()) EXPECT_TRUE(p.requires_grad());
}

}  // namespace
}  // namespace gan
