#include "gan/networks/heads/discriminator_head.h"

#include <cmath>

#include <gtest/gtest.h>
#include <torch/utils.h>

namespace gan {
namespace {

TEST(DiscriminatorHeadTest, ParsesTheFourKinds) {
  HeadKind kind;
  ASSERT_TRUE(ParseHeadKind("reacgan", &kind));
  EXPECT_EQ(kind, HeadKind::kReacgan);
  ASSERT_TRUE(ParseHeadKind("projection", &kind));
  EXPECT_EQ(kind, HeadKind::kProjection);
  EXPECT_FALSE(ParseHeadKind("contra", &kind));
}

TEST(DiscriminatorHeadTest, UnconditionalIsOneLinearLayer) {
  torch::manual_seed(0);
  DiscriminatorHead head(DiscriminatorHeadOptions(6, HeadKind::kUnconditional).spectral_norm(false));
  const torch::Tensor h = torch::randn({4, 6});
  const auto params = head->named_parameters();
  const torch::Tensor expected =
      torch::matmul(h, params["linear.weight"].t()).squeeze(1) + params["linear.bias"];
  const DiscriminatorOutput out = head->forward(h, {});
  EXPECT_TRUE(torch::allclose(out.logits, expected, 1e-6, 1e-6));
  EXPECT_FALSE(out.extra("class_logits").defined());
  EXPECT_FALSE(out.extra("embeddings").defined());
}

TEST(DiscriminatorHeadTest, ProjectionAddsTheInnerProductWithTheClassEmbedding) {
  torch::manual_seed(1);
  DiscriminatorHead head(
      DiscriminatorHeadOptions(5, HeadKind::kProjection).num_classes(3).spectral_norm(false));
  const torch::Tensor h = torch::randn({4, 5});
  const torch::Tensor labels = torch::tensor({0, 2, 2, 1}, torch::kLong);
  const auto params = head->named_parameters();
  const torch::Tensor w = params["linear.weight"], b = params["linear.bias"];
  const torch::Tensor table = params["embedding.weight"];
  const DiscriminatorOutput out = head->forward(h, labels);
  for (int64_t i = 0; i < 4; ++i) {
    const double expected = (h[i] * w[0]).sum().item<double>() + b[0].item<double>() +
                            (h[i] * table[labels[i].item<int64_t>()]).sum().item<double>();
    EXPECT_NEAR(out.logits[i].item<double>(), expected, 1e-5) << i;
  }
  // Same features, different labels: different logits.
  const DiscriminatorOutput other = head->forward(h, torch::tensor({1, 0, 1, 2}, torch::kLong));
  EXPECT_GT((out.logits - other.logits).abs().max().item<float>(), 1e-4);
}

TEST(DiscriminatorHeadTest, ProjectionEmbeddingIsDividedByItsSpectralNorm) {
  torch::manual_seed(2);
  const int64_t f = 6;
  DiscriminatorHead head(DiscriminatorHeadOptions(f, HeadKind::kProjection).num_classes(4));
  for (int i = 0; i < 50; ++i) head->forward(torch::randn({2, f}), torch::tensor({0, 1}));  // power steps
  head->eval();
  // Two labels, same features: the logits differ by h.(E[a] - E[b]) / sigma(E) only.
  const torch::Tensor table = head->named_parameters()["embedding.weight"].detach();
  const double sigma = torch::linalg_svdvals(table)[0].item<double>();
  const torch::Tensor h = torch::randn({1, f}) * 10;
  torch::NoGradGuard no_grad;
  const double difference = (head->forward(h, torch::tensor({2})).logits -
                             head->forward(h, torch::tensor({3})).logits).item<double>();
  const double expected = (h[0] * (table[2] - table[3])).sum().item<double>() / sigma;
  EXPECT_NEAR(difference, expected, 1e-3 * std::abs(expected) + 1e-5);
  EXPECT_GT(sigma, 1.05);  // the normalization did something
}

TEST(DiscriminatorHeadTest, AcganAddsClassLogits) {
  DiscriminatorHead head(DiscriminatorHeadOptions(8, HeadKind::kAcgan).num_classes(10));
  const DiscriminatorOutput out = head->forward(torch::randn({3, 8}), torch::tensor({1, 2, 3}));
  EXPECT_EQ(out.logits.sizes(), (torch::IntArrayRef{3}));
  EXPECT_EQ(out.extra("class_logits").sizes(), (torch::IntArrayRef{3, 10}));
}

TEST(DiscriminatorHeadTest, ReacganEmbeddingsAndProxiesLieOnTheUnitSphere) {
  DiscriminatorHead head(
      DiscriminatorHeadOptions(8, HeadKind::kReacgan).num_classes(4).embedding_dim(16));
  const torch::Tensor labels = torch::tensor({0, 3, 3}, torch::kLong);
  const DiscriminatorOutput out = head->forward(torch::randn({3, 8}) * 7, labels);
  ASSERT_EQ(out.extra("embeddings").sizes(), (torch::IntArrayRef{3, 16}));
  ASSERT_EQ(out.extra("proxies").sizes(), (torch::IntArrayRef{3, 16}));
  EXPECT_TRUE(torch::allclose(out.extra("embeddings").norm(2, 1), torch::ones({3}), 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(out.extra("proxies").norm(2, 1), torch::ones({3}), 1e-5, 1e-5));
  // Same class, same proxy.
  EXPECT_TRUE(torch::equal(out.extra("proxies")[1], out.extra("proxies")[2]));
}

TEST(DiscriminatorHeadTest, ConditionalHeadsRejectMissingLabels) {
  DiscriminatorHead head(DiscriminatorHeadOptions(4, HeadKind::kProjection).num_classes(2));
  EXPECT_THROW(head->forward(torch::randn({2, 4}), {}), c10::Error);
  EXPECT_THROW(DiscriminatorHead(DiscriminatorHeadOptions(4, HeadKind::kAcgan)), c10::Error);
}

}  // namespace
}  // namespace gan
