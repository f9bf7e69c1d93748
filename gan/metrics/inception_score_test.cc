// Inception Score against closed forms (identical predictions, balanced one-hot
// predictions), a two-sample case worked by hand, and the reference split protocol.
#include "gan/metrics/inception_score.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>
#include <torch/utils.h>

namespace gan {
namespace {

TEST(InceptionScoreTest, IdenticalPredictionsScoreOne) {
  // p(y) = p(y|x) in every split, so every KL is 0 and every score exp(0) = 1.
  torch::manual_seed(1);
  const torch::Tensor logits = torch::randn({1, 7}).expand({40, 7}).contiguous();
  const InceptionScoreResult is = InceptionScore(logits);
  ASSERT_EQ(is.split_scores.size(), 10u);
  EXPECT_DOUBLE_EQ(is.mean, 1.0);
  EXPECT_NEAR(is.std, 0.0, 1e-15);
}

TEST(InceptionScoreTest, BalancedOneHotPredictionsScoreK) {
  // K = 5 classes, 10 splits of 15 rows, row i predicts class i % 5: each split holds
  // every class 3 times, so p(y) is uniform and KL(onehot || uniform) = log K: IS = K.
  const int64_t k = 5, n = 10 * 5 * 3;
  const torch::Tensor labels = torch::arange(n, torch::kLong).remainder(k);
  const torch::Tensor one_hot = torch::one_hot(labels, k).to(torch::kDouble);
  const InceptionScoreResult exact = InceptionScoreFromProbabilities(one_hot);
  EXPECT_NEAR(exact.mean, 5.0, 1e-12);
  EXPECT_NEAR(exact.std, 0.0, 1e-12);
  // As logits: a margin of 60 leaves e^-60 ~ 1e-26 on the other classes.
  const InceptionScoreResult from_logits = InceptionScore(one_hot.to(torch::kFloat) * 60.0f);
  EXPECT_NEAR(from_logits.mean, 5.0, 1e-12);
  EXPECT_NEAR(from_logits.std, 0.0, 1e-12);
}

TEST(InceptionScoreTest, TwoClassesByHand) {
  // p1 = (0.8, 0.2), p2 = (0.4, 0.6), one split: p(y) = (0.6, 0.4);
  // KL1 = 0.8 ln(4/3) + 0.2 ln(1/2) = 0.0915163..., KL2 = 0.4 ln(2/3) + 0.6 ln(3/2) =
  // 0.2 ln(3/2) = 0.0810930...; IS = exp((KL1 + KL2) / 2) = exp(0.0863046) = 1.0901384...
  const double kl1 = 0.8 * std::log(4.0 / 3.0) + 0.2 * std::log(0.5);
  const double kl2 = 0.2 * std::log(1.5);
  const double expected = std::exp((kl1 + kl2) / 2);
  EXPECT_NEAR(expected, 1.0901384, 1e-7);
  const torch::Tensor p = torch::tensor({0.8, 0.2, 0.4, 0.6}, torch::kDouble).view({2, 2});
  InceptionScoreOptions one_split;
  one_split.splits = 1;
  EXPECT_NEAR(InceptionScoreFromProbabilities(p, one_split).mean, expected, 1e-14);
  // log p as logits gives back the same probabilities (softmax of log p = p).
  const InceptionScoreResult is = InceptionScore(p.log() + 3.0, one_split);
  EXPECT_NEAR(is.mean, expected, 1e-14);
  EXPECT_EQ(is.std, 0.0);
}

TEST(InceptionScoreTest, SplitsFollowTheReferenceBoundaries) {
  // N = 23, splits = 5: chunk i is rows [floor(23 i / 5), floor(23 (i+1) / 5)) =
  // [0,4) [4,9) [9,13) [13,18) [18,23): sizes 4 5 4 5 5, as in improved-gan and
  // torch-fidelity.
  torch::manual_seed(2);
  const torch::Tensor logits = torch::randn({23, 6}, torch::kDouble) * 2.0;
  InceptionScoreOptions options;
  options.splits = 5;
  const InceptionScoreResult is = InceptionScore(logits, options);
  ASSERT_EQ(is.split_scores.size(), 5u);
  const int64_t bounds[] = {0, 4, 9, 13, 18, 23};
  InceptionScoreOptions one_split;
  one_split.splits = 1;
  double sum = 0, squares = 0;
  for (int i = 0; i < 5; ++i) {
    const double chunk =
        InceptionScore(logits.slice(0, bounds[i], bounds[i + 1]), one_split).mean;
    EXPECT_NEAR(is.split_scores[i], chunk, 1e-14) << i;
    EXPECT_GT(chunk, 1.0);
    sum += chunk;
  }
  const double mean = sum / 5;
  for (double s : is.split_scores) squares += (s - mean) * (s - mean);
  EXPECT_NEAR(is.mean, mean, 1e-14);
  EXPECT_NEAR(is.std, std::sqrt(squares / 5), 1e-14);  // ddof 0, numpy.std's default
  EXPECT_GT(is.std, 0.0);
}

TEST(InceptionScoreTest, SeededShuffle) {
  torch::manual_seed(3);
  const torch::Tensor logits = torch::randn({60, 4}) * 3.0f;
  InceptionScoreOptions shuffled;
  shuffled.shuffle = true;
  shuffled.seed = 2020;
  const InceptionScoreResult a = InceptionScore(logits, shuffled);
  const InceptionScoreResult b = InceptionScore(logits, shuffled);
  EXPECT_EQ(a.split_scores, b.split_scores);
  EXPECT_NE(a.split_scores, InceptionScore(logits).split_scores);
  // With one split the order does not matter.
  shuffled.splits = 1;
  InceptionScoreOptions one_split;
  one_split.splits = 1;
  EXPECT_NEAR(InceptionScore(logits, shuffled).mean, InceptionScore(logits, one_split).mean,
              1e-12);
}

TEST(InceptionScoreTest, RejectsBadInputs) {
  try {
    InceptionScore(torch::randn({9, 3}));  // 10 splits
    FAIL() << "expected an error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("at least one sample per split, got N = 9"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(InceptionScore(torch::randn({20})), c10::Error);
  EXPECT_THROW(InceptionScore(torch::randn({20, 3}), {0, false, 0}), c10::Error);
  EXPECT_THROW(InceptionScoreFromProbabilities(torch::full({20, 2}, 0.7)), c10::Error);
  EXPECT_THROW(InceptionScoreFromProbabilities(
                   torch::tensor({1.5, -0.5}, torch::kDouble).view({1, 2}), {1, false, 0}),
               c10::Error);
}

}  // namespace
}  // namespace gan
