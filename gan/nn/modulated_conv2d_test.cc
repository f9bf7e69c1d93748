// Modulated convolution against a per-sample loop that builds each sample's weights
// explicitly (scaled by its style, demodulated per output channel), in both forms, with
// and without upsampling; and the unit variance demodulation promises.
#include "gan/nn/modulated_conv2d.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>
#include <torch/utils.h>

#include "gan/nn/fir_resample.h"

namespace gan {
namespace {

torch::Tensor PerSampleLoop(const torch::Tensor& x, const torch::Tensor& weight,
                            const torch::Tensor& styles, bool demodulate, bool upsample) {
  std::vector<torch::Tensor> outputs;
  for (int64_t n = 0; n < x.size(0); ++n) {
    torch::Tensor w = weight.clone();
    for (int64_t i = 0; i < weight.size(1); ++i) w.select(1, i).mul_(styles[n][i]);
    if (demodulate) {
      for (int64_t o = 0; o < weight.size(0); ++o) {
        w[o].div_(torch::sqrt(w[o].square().sum() + 1e-8));
      }
    }
    const torch::Tensor input = upsample ? UpsampleFir2x(x.slice(0, n, n + 1)) : x.slice(0, n, n + 1);
    outputs.push_back(torch::conv2d(input, w, {}, 1, weight.size(2) / 2));
  }
  return torch::cat(outputs);
}

TEST(ModulatedConv2dTest, EqualsAPerSampleLoopInBothForms) {
  torch::manual_seed(2);
  const torch::Tensor x = torch::randn({3, 4, 6, 6}, torch::kDouble);
  const torch::Tensor weight = torch::randn({5, 4, 3, 3}, torch::kDouble);
  const torch::Tensor styles = torch::randn({3, 4}, torch::kDouble) + 1;
  for (bool demodulate : {true, false}) {
    for (bool upsample : {false, true}) {
      const torch::Tensor expected = PerSampleLoop(x, weight, styles, demodulate, upsample);
      for (ModulationForm form : {ModulationForm::kGroupedConvolution, ModulationForm::kScaledActivations}) {
        SCOPED_TRACE(testing::Message() << "demodulate " << demodulate << " upsample " << upsample
                                        << " form " << static_cast<int>(form));
        const torch::Tensor got = ModulatedConvolution(x, weight, styles, demodulate, upsample, form);
        ASSERT_EQ(got.sizes(), expected.sizes());
        EXPECT_TRUE(torch::allclose(got, expected, 1e-10, 1e-12));
      }
    }
  }
}

TEST(ModulatedConv2dTest, DemodulatedOutputsHaveUnitVarianceForUnitVarianceInputs) {
  torch::manual_seed(3);
  ModulatedConv2d conv(ModulatedConv2dOptions(16, 8, 3, /*style_dim=*/6));
  const torch::Tensor x = torch::randn({2, 16, 48, 48});
  // Styles far from 1: without demodulation the scale would follow them.
  const torch::Tensor w = torch::randn({2, 6}) * 3;
  torch::NoGradGuard no_grad;
  const torch::Tensor y = conv(x, w).slice(2, 1, 47).slice(3, 1, 47);  // away from the padding
  const torch::Tensor stds = (y - y.mean({2, 3}, /*keepdim=*/true)).square().mean({2, 3}).sqrt();  // [N, O]
  // Var(y) = sum_ik w''^2 Var(x) = 1: 2,116 pixels per channel give std within a few %.
  EXPECT_NEAR(stds.mean().item<double>(), 1.0, 0.03);
  EXPECT_LT((stds - 1).abs().max().item<double>(), 0.1) << stds;
  conv->options.demodulate(false);
  const double plain = conv(x, w).slice(2, 1, 47).slice(3, 1, 47).std().item<double>();
  EXPECT_GT(std::abs(plain - 1.0), 0.3) << "the styles should have changed the scale";
}

TEST(ModulatedConv2dTest, StylesStartAtOneAndTheWeightIsEqualized) {
  torch::manual_seed(4);
  ModulatedConv2d conv(ModulatedConv2dOptions(8, 4, 3, /*style_dim=*/5).demodulate(false));
  EXPECT_TRUE(conv->styles(torch::zeros({2, 5})).equal(torch::ones({2, 8})));
  EXPECT_DOUBLE_EQ(conv->weight_scale(), 1.0 / std::sqrt(8.0 * 9));
  // Styles of 1 without demodulation: an ordinary convolution with the scaled weight.
  const torch::Tensor x = torch::randn({2, 8, 5, 5});
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::allclose(conv(x, torch::zeros({2, 5})),
                              torch::conv2d(x, conv->weight * conv->weight_scale(), {}, 1, 1),
                              1e-5, 1e-6));
}

TEST(ModulatedConv2dTest, MismatchedShapesAreErrorsThatSaySo) {
  const torch::Tensor x = torch::randn({2, 4, 6, 6});
  EXPECT_THROW(ModulatedConvolution(x, torch::randn({5, 3, 3, 3}), torch::ones({2, 4}), true, false),
               c10::Error);
  EXPECT_THROW(ModulatedConvolution(x, torch::randn({5, 4, 3, 3}), torch::ones({3, 4}), true, false),
               c10::Error);
}

}  // namespace
}  // namespace gan
