// StyleGAN2's networks: shapes and gradients, which w input reaches which layer, truncation
// and style mixing, the conditional forms, and the residual D's pieces.
#include "gan/networks/stylegan2/stylegan2.h"

#include <memory>
#include <vector>

#include <gtest/gtest.h>
#include <torch/utils.h>

namespace gan {
namespace {

StyleGan2Spec TinySpec(int64_t classes = 0) {
  StyleGan2Spec spec = *StyleGan2SpecFor(16, 3, /*width=*/2, /*latent_dim=*/8);
  spec.num_classes = classes;
  spec.style.mapping_layers = 2;
  return spec;
}

TEST(StyleGan2Test, ShapesAndGradientsReachEveryParameter) {
  torch::manual_seed(0);
  for (int64_t classes : {0, 3}) {
    SCOPED_TRACE(classes);
    const StyleGan2Spec spec = TinySpec(classes);
    auto g = std::make_shared<StyleGan2Generator>(spec);
    auto d = std::make_shared<StyleGan2Discriminator>(spec);
    const torch::Tensor labels = classes ? torch::tensor({0, 2, 1, 2}) : torch::Tensor();
    const torch::Tensor images = g->forward(g->SampleLatent(4, torch::kCPU), labels);
    ASSERT_EQ(images.sizes(), (torch::IntArrayRef{4, 3, 16, 16}));
    EXPECT_LE(images.abs().max().item<float>(), 1.0f);
    const torch::Tensor logits = d->forward(images, labels);
    ASSERT_EQ(logits.sizes(), (torch::IntArrayRef{4}));
    // The noise strengths start at 0, so their gradient is the only sign they are used.
    (logits.sum() + images.square().sum()).backward();
    for (const auto& p : g->named_parameters()) {
      ASSERT_TRUE(p.value().grad().defined()) << p.key();
      EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0) << p.key();
    }
    for (const auto& p : d->named_parameters()) {
      ASSERT_TRUE(p.value().grad().defined()) << p.key();
    }
  }
}

TEST(StyleGan2Test, EveryWInputReachesTheImageAndTheLastIsTheFinalToRgbs) {
  torch::manual_seed(1);
  auto g = std::make_shared<StyleGan2Generator>(TinySpec());
  g->eval();
  // 16x16: conv layers 4x4, 8x8 (2), 16x16 (2) = 5, plus the last toRGB's w.
  ASSERT_EQ(g->num_ws(), 6);
  const std::vector<torch::Tensor> noise = g->SampleNoise(2, torch::kCPU);
  ASSERT_EQ(noise.size(), 5u);
  EXPECT_EQ(noise[0].size(2), 4);
  EXPECT_EQ(noise[2].size(2), 8);
  EXPECT_EQ(noise[4].size(2), 16);
  torch::NoGradGuard no_grad;
  const torch::Tensor ws = torch::randn({2, 6, 8});
  const torch::Tensor base = g->Synthesize(ws, noise);
  EXPECT_TRUE(g->Synthesize(ws, noise).equal(base)) << "fixed noise must fix the image";
  for (int64_t k = 0; k < 6; ++k) {
    torch::Tensor moved = ws.clone();
    moved.select(1, k).add_(1.0);
    EXPECT_FALSE(torch::allclose(g->Synthesize(moved, noise), base)) << "w input " << k << " unused";
  }
}

TEST(StyleGan2Test, TruncationToZeroGivesEverySampleTheAverageStylesImage) {
  torch::manual_seed(2);
  auto g = std::make_shared<StyleGan2Generator>(TinySpec());
  g->train();
  g->forward(g->SampleLatent(8, torch::kCPU));  // the w average moves off zero
  EXPECT_GT(g->w_average().abs().sum().item<double>(), 0);
  g->eval();
  g->set_truncation(0.0);
  torch::NoGradGuard no_grad;
  // The noise strengths start at 0, so the images depend on the styles alone.
  const torch::Tensor images = g->forward(torch::randn({3, 8}));
  const torch::Tensor average = g->Synthesize(g->w_average().view({1, 1, -1}).expand({1, g->num_ws(), -1}));
  // A batch of 3 and a batch of 1 take different convolution kernels, whose rounding
  // differs by up to ~1e-5 on some CPUs; untruncated samples differ by far more.
  for (int64_t n = 0; n < 3; ++n) {
    EXPECT_LT((images.slice(0, n, n + 1) - average).abs().max().item<double>(), 1e-4) << n;
  }
  g->set_truncation(1.0);
  const torch::Tensor untruncated = g->forward(torch::randn({3, 8}));
  EXPECT_GT((untruncated.slice(0, 0, 1) - average).abs().max().item<double>(), 1e-2);
}

TEST(StyleGan2Test, ConditionalNetworksUseTheirLabels) {
  torch::manual_seed(3);
  const StyleGan2Spec spec = TinySpec(3);
  auto g = std::make_shared<StyleGan2Generator>(spec);
  auto d = std::make_shared<StyleGan2Discriminator>(spec);
  torch::NoGradGuard no_grad;
  const torch::Tensor z = torch::randn({4, 8});
  EXPECT_FALSE(torch::allclose(g->Map(z, torch::tensor({0, 0, 0, 0})), g->Map(z, torch::tensor({1, 1, 1, 1}))));
  const torch::Tensor images = torch::randn({4, 3, 16, 16});
  EXPECT_FALSE(torch::allclose(d->forward(images, torch::tensor({0, 0, 0, 0})),
                               d->forward(images, torch::tensor({2, 2, 2, 2}))));
  EXPECT_THROW(g->Map(z), c10::Error);
  EXPECT_THROW(d->forward(images), c10::Error);
  auto unconditional = std::make_shared<StyleGan2Discriminator>(TinySpec());
  EXPECT_THROW(unconditional->forward(images, torch::tensor({0, 0, 0, 0})), c10::Error);
}

TEST(StyleGan2Test, DiscriminatorBlocksCoverEveryParameterOnce) {
  auto d = std::make_shared<StyleGan2Discriminator>(TinySpec(3));
  size_t counted = 0;
  for (const auto& block : d->block_parameters()) counted += block.size();
  EXPECT_EQ(counted, d->parameters().size());
  EXPECT_EQ(d->block_parameters().size(), 3u);  // 16 -> 8 -> 4, then the epilogue
}

}  // namespace
}  // namespace gan
