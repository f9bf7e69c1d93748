// Style mixing and truncation against the definitions, element by element.
#include "gan/networks/stylegan/style_space.h"

#include <gtest/gtest.h>
#include <torch/utils.h>

namespace gan {
namespace {

TEST(StyleSpaceTest, MixingTakesTheSecondLatentFromTheCrossoverOn) {
  const torch::Tensor w = torch::randn({2, 5}), w2 = torch::randn({2, 5});
  const torch::Tensor ws = MixStyles(w, w2, /*crossover=*/2, /*layers=*/4);
  ASSERT_EQ(ws.sizes(), (torch::IntArrayRef{2, 4, 5}));
  for (int64_t layer = 0; layer < 4; ++layer) {
    EXPECT_TRUE(ws.select(1, layer).equal(layer < 2 ? w : w2)) << layer;
  }
}

TEST(StyleSpaceTest, TruncationMovesTheInputsBelowTheCutoffTowardTheAverage) {
  const torch::Tensor ws = torch::randn({2, 4, 3}), average = torch::randn({3});
  const torch::Tensor truncated = TruncateStyles(ws, average, 0.25, /*cutoff=*/3);
  for (int64_t layer = 0; layer < 4; ++layer) {
    const torch::Tensor expected =
        layer < 3 ? average + 0.25 * (ws.select(1, layer) - average) : ws.select(1, layer);
    EXPECT_TRUE(torch::allclose(truncated.select(1, layer), expected)) << layer;
  }
  EXPECT_TRUE(torch::allclose(TruncateStyles(ws, average, 0.0, -1), average.expand({2, 4, 3})));
}

TEST(StyleSpaceTest, TrainingBatchesUpdateTheAverageAndMixWithTheGivenProbability) {
  torch::manual_seed(4);
  const torch::Tensor w = torch::randn({6, 3});
  torch::Tensor average = torch::zeros({3});
  StyleSettings settings;
  settings.w_average_decay = 0.75;
  settings.mixing_probability = 1.0;
  int fresh = 0;
  const torch::Tensor ws = BatchStyles(w, 4, /*training=*/true, average, settings, [&] {
    ++fresh;
    return torch::zeros({6, 3});
  });
  EXPECT_TRUE(torch::allclose(average, 0.25 * w.mean(0)));  // mean + 0.75 (0 - mean)
  EXPECT_EQ(fresh, 1);
  EXPECT_TRUE(ws.select(1, 0).equal(w));           // the crossover is at least 1
  EXPECT_TRUE(ws.select(1, 3).equal(torch::zeros({6, 3})));  // and below 4
  // Evaluation: neither the average nor the styles move.
  const torch::Tensor frozen = average.clone();
  const torch::Tensor plain = BatchStyles(w, 4, /*training=*/false, average, settings, [&] {
    ++fresh;
    return torch::zeros({6, 3});
  });
  EXPECT_EQ(fresh, 1);
  EXPECT_TRUE(average.equal(frozen));
  for (int64_t layer = 0; layer < 4; ++layer) EXPECT_TRUE(plain.select(1, layer).equal(w));
}

// Under bf16 or fp16 autocast the mapping network's w is reduced precision; the average
// stays float32 (mixed types made lerp throw: StyleGAN2 with precision.mixed_precision=bf16).
TEST(StyleSpaceTest, AReducedPrecisionWUpdatesTheFloat32Average) {
  const torch::Tensor w = torch::tensor({{1.0, 2.0}, {3.0, 6.0}}).to(torch::kBFloat16);
  torch::Tensor average = torch::zeros({2});
  StyleSettings settings;
  settings.w_average_decay = 0.5;
  settings.mixing_probability = 0.0;
  BatchStyles(w, 3, /*training=*/true, average, settings, [] { return torch::Tensor(); });
  EXPECT_EQ(average.scalar_type(), torch::kFloat);
  EXPECT_TRUE(average.equal(torch::tensor({1.0f, 2.0f})));  // 0.5 * mean (2, 4)
}

}  // namespace
}  // namespace gan
