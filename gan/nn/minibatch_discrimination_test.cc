#include "gan/nn/minibatch_discrimination.h"

#include <cmath>

#include <gtest/gtest.h>
#include <torch/utils.h>

namespace gan {
namespace {

// o(x_i)_b computed with explicit loops over samples, kernels and kernel entries; with
// `bias` defined, the released code's form: j != i, plus bias[b].
torch::Tensor ByLoops(const torch::Tensor& f, const torch::Tensor& T, int64_t B, int64_t C,
                      const torch::Tensor& bias = {}) {
  const int64_t n = f.size(0);
  const torch::Tensor m = f.matmul(T);
  torch::Tensor o = torch::zeros({n, B}, torch::kDouble);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t b = 0; b < B; ++b) {
      double total = 0;
      for (int64_t j = 0; j < n; ++j) {
        if (bias.defined() && j == i) continue;
        double l1 = 0;
        for (int64_t c = 0; c < C; ++c) {
          l1 += std::abs(m[i][b * C + c].item<double>() - m[j][b * C + c].item<double>());
        }
        total += std::exp(-l1);
      }
      o[i][b] = total + (bias.defined() ? bias[b].item<double>() : 0.0);
    }
  }
  return o;
}

TEST(MinibatchDiscriminationTest, MatchesDirectLoopsAndKeepsFeatures) {
  torch::manual_seed(2);
  MinibatchDiscrimination layer(MinibatchDiscriminationOptions(6, 3, 4).init_std(0.5));
  layer->to(torch::kDouble);
  const torch::Tensor f = torch::randn({5, 6}, torch::kDouble);
  const torch::Tensor out = layer(f);
  ASSERT_EQ(out.sizes().vec(), (std::vector<int64_t>{5, 9}));
  EXPECT_TRUE(out.slice(1, 0, 6).equal(f));
  EXPECT_TRUE(torch::allclose(out.slice(1, 6), ByLoops(f, layer->T, 3, 4)));
}

TEST(MinibatchDiscriminationTest, ImprovedGanFormLeavesEachSampleOutAndAddsABias) {
  torch::manual_seed(3);
  MinibatchDiscrimination layer(MinibatchDiscriminationOptions(6, 3, 4)
                                    .init_std(0.5)
                                    .form(MinibatchDiscriminationForm::kImprovedGan));
  layer->to(torch::kDouble);
  ASSERT_TRUE(layer->bias.defined());
  EXPECT_TRUE(layer->bias.equal(torch::full({3}, -1.0, torch::kDouble)));  // the code's start
  {
    torch::NoGradGuard no_grad;
    layer->bias.copy_(torch::tensor({0.5, -2.0, 1.0}, torch::kDouble));
  }
  const torch::Tensor f = torch::randn({5, 6}, torch::kDouble).requires_grad_(true);
  const torch::Tensor out = layer(f);
  EXPECT_TRUE(torch::allclose(out.slice(1, 6), ByLoops(f.detach(), layer->T.detach(), 3, 4, layer->bias.detach())));
  out.sum().backward();
  EXPECT_TRUE(layer->bias.grad().allclose(torch::full({3}, 5.0, torch::kDouble)));  // one per sample
  // The paper's form has no bias.
  EXPECT_EQ(MinibatchDiscrimination(MinibatchDiscriminationOptions(6, 3, 4))->parameters().size(), 1u);
}

TEST(MinibatchDiscriminationTest, CollapsedBatchIsObvious) {
  // Identical samples: every c_b is exp(0) = 1, so o = N; distinct ones give less.
  MinibatchDiscrimination layer(MinibatchDiscriminationOptions(4, 2, 3).init_std(1.0));
  const torch::Tensor same = torch::ones({8, 4});
  EXPECT_TRUE(torch::allclose(layer(same).slice(1, 4), torch::full({8, 2}, 8.0)));
  const torch::Tensor varied = torch::randn({8, 4}) * 5;
  EXPECT_LT(layer(varied).slice(1, 4).max().item<float>(), 8.0f);
}

TEST(MinibatchDiscriminationTest, TIsRegisteredAndReceivesGradients) {
  MinibatchDiscrimination layer(MinibatchDiscriminationOptions(4, 2, 3));
  ASSERT_EQ(layer->parameters().size(), 1u);
  layer(torch::randn({3, 4})).sum().backward();
  EXPECT_GT(layer->T.grad().abs().sum().item<float>(), 0);
}

}  // namespace
}  // namespace gan
