#include "gan/nn/self_attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>
#include <torch/utils.h>

#include "gan/nn/spectral_norm.h"

namespace gan {
namespace {

// The 1x1 conv weight a branch applies, as an [out, in] matrix (normalized under SN; call
// after the forward, whose power-iteration update it then matches).
torch::Tensor BranchMatrix(const torch::nn::AnyModule& branch) {
  const auto module = branch.ptr();
  if (const auto* sn = module->as<SNConv2dImpl>()) {
    return sn->normalized_weight().detach().flatten(1);
  }
  return module->named_parameters()["weight"].detach().flatten(1);
}

// out = x + gamma * Wo (V softmax(Q^T K)^T), written with explicit loops over positions.
// With `pool`, K and V are 2x2-max-pooled by hand.
torch::Tensor ByLoops(const torch::Tensor& x, const SelfAttentionImpl& block, bool pool) {
  const int64_t n = x.size(0), c = x.size(1), height = x.size(2), width = x.size(3);
  const int64_t hw = height * width;
  const torch::Tensor wf = BranchMatrix(block.f), wg = BranchMatrix(block.g),
                      wh = BranchMatrix(block.h), wo = BranchMatrix(block.o);
  const double gamma = block.gamma.item<double>();
  torch::Tensor out = torch::empty_like(x);
  for (int64_t s = 0; s < n; ++s) {
    const torch::Tensor xs = x[s].reshape({c, hw});
    const torch::Tensor q = wf.matmul(xs);
    torch::Tensor k = wg.matmul(xs), v = wh.matmul(xs);
    if (pool) {
      auto pool_by_hand = [&](const torch::Tensor& t) {
        const auto a = t.accessor<double, 2>();
        torch::Tensor pooled = torch::empty({t.size(0), hw / 4}, t.options());
        auto p = pooled.accessor<double, 2>();
        for (int64_t ch = 0; ch < t.size(0); ++ch) {
          for (int64_t y = 0; y < height / 2; ++y) {
            for (int64_t xx = 0; xx < width / 2; ++xx) {
              const int64_t top = 2 * y * width + 2 * xx;
              p[ch][y * (width / 2) + xx] =
                  std::max({a[ch][top], a[ch][top + 1], a[ch][top + width], a[ch][top + width + 1]});
            }
          }
        }
        return pooled;
      };
      k = pool_by_hand(k);
      v = pool_by_hand(v);
    }
    const int64_t keys = k.size(1);
    const auto qa = q.accessor<double, 2>();
    const auto ka = k.accessor<double, 2>();
    const auto va = v.accessor<double, 2>();
    torch::Tensor attended = torch::zeros({v.size(0), hw}, x.options());
    auto ata = attended.accessor<double, 2>();
    for (int64_t i = 0; i < hw; ++i) {
      std::vector<double> logits(keys, 0.0);
      for (int64_t j = 0; j < keys; ++j) {
        for (int64_t ch = 0; ch < q.size(0); ++ch) logits[j] += qa[ch][i] * ka[ch][j];
      }
      const double top = *std::max_element(logits.begin(), logits.end());
      double total = 0;
      for (double& l : logits) total += (l = std::exp(l - top));
      for (int64_t j = 0; j < keys; ++j) {
        for (int64_t ch = 0; ch < v.size(0); ++ch) ata[ch][i] += va[ch][j] * logits[j] / total;
      }
    }
    out[s].copy_((xs + gamma * wo.matmul(attended)).view({c, height, width}));
  }
  return out;
}

TEST(SelfAttentionTest, ZeroGammaIsExactlyTheIdentity) {
  SelfAttention block(SelfAttentionOptions(16));
  EXPECT_EQ(block->gamma.item<float>(), 0.0f);
  const torch::Tensor x = torch::randn({2, 16, 5, 3});
  EXPECT_TRUE(block(x).equal(x));
}

TEST(SelfAttentionTest, AttentionRowsAreDistributions) {
  SelfAttention block(SelfAttentionOptions(8));
  block(torch::randn({3, 8, 4, 6}));
  const torch::Tensor a = block->last_attention();
  ASSERT_EQ(a.sizes().vec(), (std::vector<int64_t>{3, 24, 24}));
  EXPECT_GE(a.min().item<float>(), 0.0f);
  EXPECT_TRUE(torch::allclose(a.sum(-1), torch::ones({3, 24}), 1e-5, 1e-6));
}

TEST(SelfAttentionTest, MatchesLoopComputationWithoutSpectralNorm) {
  torch::manual_seed(0);
  SelfAttention block(SelfAttentionOptions(16).spectral_norm(false));
  block->to(torch::kDouble);
  {
    torch::NoGradGuard no_grad;
    block->gamma.fill_(1.0);
  }
  const torch::Tensor x = torch::randn({2, 16, 4, 3}, torch::kDouble);
  const torch::Tensor out = block(x);
  EXPECT_TRUE(torch::allclose(out, ByLoops(x, *block, /*pool=*/false), 1e-5, 1e-5));
  EXPECT_GT((out - x).abs().max().item<double>(), 1e-3);  // the attention branch is live
}

TEST(SelfAttentionTest, MatchesLoopComputationWithSpectralNormAndPooledKeys) {
  torch::manual_seed(1);
  SelfAttention block(SelfAttentionOptions(16).pool_keys(true));
  block->to(torch::kDouble);
  {
    torch::NoGradGuard no_grad;
    block->gamma.fill_(1.0);
  }
  const torch::Tensor x = torch::randn({2, 16, 8, 8}, torch::kDouble);
  const torch::Tensor out = block(x);
  ASSERT_EQ(out.sizes(), x.sizes());
  ASSERT_EQ(block->last_attention().sizes().vec(), (std::vector<int64_t>{2, 64, 16}));
  EXPECT_TRUE(torch::allclose(out, ByLoops(x, *block, /*pool=*/true), 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(block->last_attention().sum(-1), torch::ones({2, 64}, torch::kDouble)));
}

TEST(SelfAttentionTest, ChannelCountsAndSpectralNormChoice) {
  SelfAttention block(SelfAttentionOptions(32));
  const auto params = block->named_parameters();
  EXPECT_EQ(params["f.weight"].sizes().vec(), (std::vector<int64_t>{4, 32, 1, 1}));
  EXPECT_EQ(params["g.weight"].sizes().vec(), (std::vector<int64_t>{4, 32, 1, 1}));
  EXPECT_EQ(params["h.weight"].sizes().vec(), (std::vector<int64_t>{16, 32, 1, 1}));
  EXPECT_EQ(params["o.weight"].sizes().vec(), (std::vector<int64_t>{32, 16, 1, 1}));
  EXPECT_EQ(params.size(), 5u);  // four bias-free convs and gamma
  EXPECT_NE(block->f.ptr()->as<SNConv2dImpl>(), nullptr);
  SelfAttention plain(SelfAttentionOptions(4).spectral_norm(false));
  EXPECT_NE(plain->f.ptr()->as<torch::nn::Conv2dImpl>(), nullptr);
  // Small channel counts keep at least one query/key and value channel.
  EXPECT_EQ(plain->named_parameters()["f.weight"].size(0), 1);
  EXPECT_EQ(plain->named_parameters()["h.weight"].size(0), 2);
  EXPECT_EQ(plain(torch::randn({1, 4, 3, 5})).sizes().vec(), (std::vector<int64_t>{1, 4, 3, 5}));
}

TEST(SelfAttentionTest, GradientsReachGammaAndBranches) {
  torch::manual_seed(2);
  SelfAttention block(SelfAttentionOptions(16));
  {
    torch::NoGradGuard no_grad;
    block->gamma.fill_(0.5);  // at gamma = 0 only gamma itself would get a gradient
  }
  block(torch::randn({2, 16, 4, 4})).pow(2).sum().backward();
  EXPECT_GT(block->gamma.grad().abs().item<float>(), 0.0f);
  const auto params = block->named_parameters();
  for (const char* name : {"f.weight", "g.weight", "h.weight", "o.weight"}) {
    EXPECT_GT(params[name].grad().abs().sum().item<float>(), 0.0f) << name;
  }
}

TEST(SelfAttentionTest, CloneIsAnIndependentCopy) {
  // Generators are cloned for EMA: the AnyModule branches must follow the clone.
  torch::manual_seed(3);
  SelfAttention block(SelfAttentionOptions(8));
  {
    torch::NoGradGuard no_grad;
    block->gamma.fill_(0.7);
  }
  block->eval();
  auto copy = std::dynamic_pointer_cast<SelfAttentionImpl>(block->clone());
  ASSERT_NE(copy, nullptr);
  const torch::Tensor x = torch::randn({1, 8, 4, 4});
  EXPECT_TRUE(copy->forward(x).equal(block(x)));
  {
    torch::NoGradGuard no_grad;
    // Not a rescale: spectral norm would undo it.
    const torch::Tensor w = copy->named_parameters()["f.weight"];
    w.add_(torch::randn_like(w));
  }
  const torch::Tensor original = block(x);
  EXPECT_FALSE(torch::allclose(copy->forward(x), original));
  EXPECT_TRUE(block(x).equal(original));
}

}  // namespace
}  // namespace gan
