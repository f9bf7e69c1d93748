// Streaming mean/covariance against hand-computed values and against one-shot torch
// computations, and the statistics file cache: round trip, key checks, corrupt files.
#include "gan/metrics/feature_statistics.h"

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/utils.h>

#include "gan/core/atomic_file.h"

namespace gan {
namespace {

std::string TempPath(const std::string& name) { return ::testing::TempDir() + "/" + name; }

// torch's own two-pass computation of all samples at once.
torch::Tensor OneShotCovariance(const torch::Tensor& x) {
  return torch::cov(x.to(torch::kDouble).t());  // correction = 1, i.e. N - 1
}

void ExpectClose(const torch::Tensor& actual, const torch::Tensor& expected, double tolerance) {
  ASSERT_EQ(actual.sizes(), expected.sizes());
  const double error = (actual - expected).abs().max().item<double>();
  const double scale = std::max(1.0, expected.abs().max().item<double>());
  EXPECT_LE(error, tolerance * scale) << "actual\n" << actual << "\nexpected\n" << expected;
}

TEST(FeatureStatisticsTest, HandComputedFourByTwo) {
  // Rows (1,2), (3,4), (5,0), (7,6): mean (4, 3); centered (-3,-1), (-1,1), (1,-3), (3,3).
  // var_1 = (9+1+1+9)/3 = 20/3, var_2 = (1+1+9+9)/3 = 20/3, cov_12 = (3-1-3+9)/3 = 8/3.
  FeatureStatistics stats;
  stats.Add(torch::tensor({1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 0.0f, 7.0f, 6.0f}).view({4, 2}));
  EXPECT_EQ(stats.count(), 4);
  EXPECT_EQ(stats.dim(), 2);
  ASSERT_EQ(stats.mean().scalar_type(), torch::kDouble);
  ASSERT_EQ(stats.covariance().scalar_type(), torch::kDouble);
  EXPECT_DOUBLE_EQ(stats.mean()[0].item<double>(), 4.0);
  EXPECT_DOUBLE_EQ(stats.mean()[1].item<double>(), 3.0);
  const torch::Tensor cov = stats.covariance();
  EXPECT_DOUBLE_EQ(cov[0][0].item<double>(), 20.0 / 3.0);
  EXPECT_DOUBLE_EQ(cov[1][1].item<double>(), 20.0 / 3.0);
  EXPECT_DOUBLE_EQ(cov[0][1].item<double>(), 8.0 / 3.0);
  EXPECT_DOUBLE_EQ(cov[1][0].item<double>(), 8.0 / 3.0);
}

TEST(FeatureStatisticsTest, SameFourRowsOneAtATime) {
  // Single-row batches (zero co-moment each) must give the same numbers: only the merge
  // term delta delta^T n_a n_b / n carries the spread.
  FeatureStatistics stats;
  for (const auto& row : std::vector<std::vector<double>>{{1, 2}, {3, 4}, {5, 0}, {7, 6}}) {
    stats.Add(torch::tensor(row, torch::kDouble).view({1, 2}));
  }
  EXPECT_NEAR(stats.mean()[0].item<double>(), 4.0, 1e-15);
  EXPECT_NEAR(stats.mean()[1].item<double>(), 3.0, 1e-15);
  EXPECT_NEAR(stats.covariance()[0][0].item<double>(), 20.0 / 3.0, 1e-14);
  EXPECT_NEAR(stats.covariance()[1][1].item<double>(), 20.0 / 3.0, 1e-14);
  EXPECT_NEAR(stats.covariance()[0][1].item<double>(), 8.0 / 3.0, 1e-14);
}

TEST(FeatureStatisticsTest, UnevenBatchesMatchOneShotTorch) {
  torch::manual_seed(3);
  const torch::Tensor x = torch::randn({103, 7}, torch::kDouble) * 3.0 + 2.0;
  FeatureStatistics stats;
  int64_t begin = 0;
  for (int64_t size : {1, 5, 0, 37, 2, 58}) {
    stats.Add(x.narrow(0, begin, size));
    begin += size;
  }
  ASSERT_EQ(begin, 103);
  EXPECT_EQ(stats.count(), 103);
  ExpectClose(stats.mean(), x.mean(0), 1e-12);
  ExpectClose(stats.covariance(), OneShotCovariance(x), 1e-12);
}

TEST(FeatureStatisticsTest, FloatAndHalfInputsAccumulateInDouble) {
  torch::manual_seed(4);
  const torch::Tensor x = torch::randn({50, 5}, torch::kFloat);
  FeatureStatistics stats;
  stats.Add(x.narrow(0, 0, 20));
  stats.Add(x.narrow(0, 20, 30));
  // Compared with the float values widened to double, not with a float computation.
  ExpectClose(stats.mean(), x.to(torch::kDouble).mean(0), 1e-12);
  ExpectClose(stats.covariance(), OneShotCovariance(x), 1e-12);

  const torch::Tensor h = x.to(torch::kBFloat16);
  FeatureStatistics half;
  half.Add(h);
  ExpectClose(half.covariance(), OneShotCovariance(h), 1e-12);
}

TEST(FeatureStatisticsTest, LargeOffsetKeepsPrecision) {
  // Features around 1e6 with unit spread: sum(x x^T)/N - mu mu^T cancels ~1e12 against
  // ~1e12 and keeps about 1e-4 of accuracy; the pairwise update keeps ~1e-10.
  torch::manual_seed(5);
  const torch::Tensor x = torch::randn({400, 4}, torch::kDouble) + 1e6;
  FeatureStatistics stats;
  for (int64_t begin = 0; begin < 400; begin += 64) {
    stats.Add(x.narrow(0, begin, std::min<int64_t>(64, 400 - begin)));
  }
  ExpectClose(stats.covariance(), OneShotCovariance(x), 1e-8);
}

TEST(FeatureStatisticsTest, MergeEqualsAddingEverything) {
  torch::manual_seed(6);
  const torch::Tensor x = torch::randn({60, 3}, torch::kDouble);
  FeatureStatistics a, b, all;
  a.Add(x.narrow(0, 0, 25));
  b.Add(x.narrow(0, 25, 35));
  all.Add(x);
  a.Merge(b);
  EXPECT_EQ(a.count(), 60);
  ExpectClose(a.mean(), all.mean(), 1e-14);
  ExpectClose(a.covariance(), all.covariance(), 1e-13);
  FeatureStatistics empty;
  empty.Merge(a);
  ExpectClose(empty.covariance(), all.covariance(), 1e-13);
}

TEST(FeatureStatisticsTest, HandedOutTensorsDoNotChangeWithLaterBatches) {
  FeatureStatistics stats;
  stats.Add(torch::tensor({0.0, 0.0, 2.0, 2.0}, torch::kDouble).view({2, 2}));
  const torch::Tensor mean = stats.mean();
  const torch::Tensor comoment = stats.comoment();
  stats.Add(torch::tensor({10.0, 10.0}, torch::kDouble).view({1, 2}));
  EXPECT_DOUBLE_EQ(mean[0].item<double>(), 1.0);
  EXPECT_DOUBLE_EQ(comoment[0][0].item<double>(), 2.0);
  EXPECT_DOUBLE_EQ(stats.mean()[0].item<double>(), 4.0);
}

TEST(FeatureStatisticsTest, RejectsBadInputs) {
  FeatureStatistics stats(3);
  EXPECT_THROW(stats.Add(torch::zeros({4, 2})), c10::Error);
  EXPECT_THROW(stats.Add(torch::zeros({4})), c10::Error);
  EXPECT_THROW(stats.Add(torch::zeros({4, 3}, torch::kLong)), c10::Error);
  EXPECT_THROW(stats.mean(), c10::Error);
  stats.Add(torch::ones({1, 3}));
  EXPECT_THROW(stats.covariance(), c10::Error);  // N - 1 = 0
  try {
    stats.Add(torch::zeros({2, 5}));
    FAIL() << "expected a width error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("must be [B, 3]"), std::string::npos) << e.what();
  }
}

const StatisticsKey kKey{"fashion-mnist", "train", "fmnist-classifier (pool features)", ""};

TEST(StatisticsFileTest, SaveLoadRoundTripIsExact) {
  torch::manual_seed(7);
  FeatureStatistics stats;
  stats.Add(torch::randn({40, 6}));
  stats.Add(torch::randn({13, 6}) + 1.0);
  const std::string path = TempPath("round_trip.stats");
  ASSERT_TRUE(stats.Save(path, kKey).ok());

  const absl::StatusOr<FeatureStatistics> loaded = LoadStatistics(path, kKey);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->count(), 53);
  EXPECT_EQ(loaded->dim(), 6);
  EXPECT_TRUE(loaded->mean().equal(stats.mean()));
  EXPECT_TRUE(loaded->comoment().equal(stats.comoment()));
  EXPECT_TRUE(loaded->covariance().equal(stats.covariance()));

  const absl::StatusOr<StoredStatistics> stored = ReadStatisticsFile(path);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->key, kKey);

  // The second line is readable metadata.
  std::string contents;
  ASSERT_TRUE(ReadFile(path, &contents).ok());
  EXPECT_EQ(contents.rfind("gan-feature-statistics 1\n{", 0), 0u);
  EXPECT_NE(contents.find("\"count\":53"), std::string::npos);
  EXPECT_NE(contents.find("\"dataset\":\"fashion-mnist\""), std::string::npos);
  EXPECT_EQ(contents.size() - contents.find('\n', 26) - 1, (6u + 36u) * 8u);

  // A loaded accumulator keeps accumulating like the original.
  FeatureStatistics resumed = *loaded;
  const torch::Tensor more = torch::randn({9, 6});
  resumed.Add(more);
  stats.Add(more);
  ExpectClose(resumed.covariance(), stats.covariance(), 1e-14);
}

TEST(StatisticsFileTest, KeyMismatchIsAClearError) {
  FeatureStatistics stats;
  stats.Add(torch::randn({5, 2}));
  const std::string path = TempPath("mismatch.stats");
  ASSERT_TRUE(stats.Save(path, kKey).ok());
  StatisticsKey other = kKey;
  other.split = "test";
  other.resize = "bilinear-299";
  const absl::StatusOr<FeatureStatistics> loaded = LoadStatistics(path, other);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kFailedPrecondition);
  const std::string message(loaded.status().message());
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("split is \"train\", expected \"test\""), std::string::npos) << message;
  EXPECT_NE(message.find("resize is \"\", expected \"bilinear-299\""), std::string::npos)
      << message;
  EXPECT_EQ(message.find("dataset is"), std::string::npos) << message;
}

TEST(StatisticsFileTest, MissingAndCorruptFiles) {
  EXPECT_EQ(LoadStatistics(TempPath("does_not_exist.stats"), kKey).status().code(),
            absl::StatusCode::kNotFound);

  const std::string not_stats = TempPath("not_stats.stats");
  ASSERT_TRUE(WriteFileAtomically(not_stats, "hello\nworld\n").ok());
  const absl::Status wrong = LoadStatistics(not_stats, kKey).status();
  EXPECT_EQ(wrong.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(std::string(wrong.message()).find("not a statistics file"), std::string::npos);

  FeatureStatistics stats;
  stats.Add(torch::randn({5, 3}));
  const std::string path = TempPath("truncated.stats");
  ASSERT_TRUE(stats.Save(path, kKey).ok());
  std::string contents;
  ASSERT_TRUE(ReadFile(path, &contents).ok());
  ASSERT_TRUE(WriteFileAtomically(path, contents.substr(0, contents.size() - 8)).ok());
  const absl::Status truncated = LoadStatistics(path, kKey).status();
  EXPECT_EQ(truncated.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(std::string(truncated.message()).find("expected 96 bytes of float64 data for dim 3"),
            std::string::npos)
      << truncated;

  EXPECT_EQ(FeatureStatistics().Save(TempPath("empty.stats"), kKey).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(StatisticsFileTest, ReferencePathIsReadableAndKeyed) {
  const std::string path = ReferenceStatisticsPath("/cache/", "fashion-mnist", "train",
                                                   "inception-v3 (pytorch-fid weights)");
  const std::string prefix = "/cache/fashion-mnist_train_inception-v3-pytorch-fid-weights_";
  ASSERT_EQ(path.rfind(prefix, 0), 0u) << path;
  const std::string hash = path.substr(prefix.size());
  EXPECT_EQ(hash.size(), 16u + 6u) << path;  // 16 hex digits + ".stats"
  EXPECT_EQ(hash.substr(16), ".stats");
  // Same key, same path; any differing field (even one that sanitizes identically, or
  // the resize), another path.
  EXPECT_EQ(path, ReferenceStatisticsPath("/cache", StatisticsKey{"fashion-mnist", "train",
                                              "inception-v3 (pytorch-fid weights)", ""}));
  EXPECT_NE(path, ReferenceStatisticsPath("/cache", "fashion-mnist", "train",
                                          "inception-v3 [pytorch-fid weights]"));
  EXPECT_NE(path, ReferenceStatisticsPath("/cache", "fashion-mnist", "test",
                                          "inception-v3 (pytorch-fid weights)"));
  const std::string resized = ReferenceStatisticsPath(
      "/cache", "fashion-mnist", "train", "inception-v3 (pytorch-fid weights)", "bilinear 299");
  EXPECT_NE(resized.find("_bilinear-299_"), std::string::npos) << resized;
  EXPECT_EQ(ReferenceStatisticsPath("", "a/b", "..", "x").rfind("a-b_none_x_", 0), 0u);
}

TEST(StatisticsFileTest, LoadOrComputeComputesOnce) {
  const std::string path = ReferenceStatisticsPath(::testing::TempDir(), kKey);
  std::remove(path.c_str());
  int calls = 0;
  auto compute = [&]() -> absl::StatusOr<FeatureStatistics> {
    ++calls;
    FeatureStatistics stats;
    stats.Add(torch::tensor({1.0, 2.0, 3.0, 5.0}, torch::kDouble).view({2, 2}));
    return stats;
  };
  absl::StatusOr<FeatureStatistics> first = LoadOrComputeStatistics(path, kKey, compute);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<FeatureStatistics> second = LoadOrComputeStatistics(path, kKey, compute);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(second->covariance().equal(first->covariance()));
  EXPECT_DOUBLE_EQ(second->covariance()[1][1].item<double>(), 4.5);  // (5-3.5)^2 * 2 / 1

  StatisticsKey other = kKey;
  other.dataset = "mnist";
  EXPECT_EQ(LoadOrComputeStatistics(path, other, compute).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace gan
