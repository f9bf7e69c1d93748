#include "gan/data/batch_loader.h"

#include <set>

#include <gtest/gtest.h>

#include "gan/data/transforms.h"

namespace gan {
namespace {

ImageDataset CountingDataset(int64_t n) {
  ImageDataset dataset;
  // Image i is filled with the value i, so a batch tells which examples it holds.
  dataset.images = torch::arange(n).to(torch::kUInt8).view({n, 1, 1, 1}).expand({n, 1, 2, 2}).contiguous();
  dataset.labels = torch::arange(n) % 3;
  dataset.num_classes = 3;
  return dataset;
}

std::vector<int64_t> Ids(const Batch& batch) {
  const torch::Tensor ids = batch.images.select(3, 0).select(2, 0).select(1, 0).to(torch::kLong);
  return std::vector<int64_t>(ids.data_ptr<int64_t>(), ids.data_ptr<int64_t>() + ids.numel());
}

std::vector<std::vector<int64_t>> Epoch(BatchLoader& loader, int64_t epoch, int64_t first = 0) {
  loader.StartEpoch(epoch, first);
  std::vector<std::vector<int64_t>> batches;
  while (auto batch = loader.Next()) batches.push_back(Ids(*batch));
  return batches;
}

TEST(TransformsTest, ScalePadFlip) {
  std::mt19937_64 rng(1);
  const torch::Tensor pixels = torch::tensor({0, 255, 51, 102}, torch::kUInt8).view({1, 1, 2, 2});
  const torch::Tensor scaled = ScaleToMinusOneOne()(pixels, rng);
  EXPECT_TRUE(torch::allclose(scaled.flatten(), torch::tensor({-1.0f, 1.0f, -0.6f, -0.2f})));
  const torch::Tensor padded = Pad(1)(scaled, rng);
  EXPECT_EQ(padded.sizes(), (std::vector<int64_t>{1, 1, 4, 4}));
  EXPECT_EQ(padded.sum().item<float>(), scaled.sum().item<float>() - 12);
  const torch::Tensor flipped = RandomHorizontalFlip(1.0)(scaled, rng);
  EXPECT_TRUE(flipped.equal(scaled.flip({3})));
  EXPECT_TRUE(RandomHorizontalFlip(0.0)(scaled, rng).equal(scaled));
  EXPECT_EQ(Resize(4)(scaled, rng).sizes(), (std::vector<int64_t>{1, 1, 4, 4}));
}

TEST(TransformsTest, FlipIsPerImageWithRoughlyHalfProbability) {
  std::mt19937_64 rng(7);
  const torch::Tensor batch = torch::arange(2).to(torch::kFloat).view({1, 1, 1, 2}).repeat({1000, 1, 1, 1});
  const torch::Tensor out = RandomHorizontalFlip(0.5)(batch, rng);
  const int64_t flipped = out.select(3, 0).eq(1).sum().item<int64_t>();
  EXPECT_GT(flipped, 400);
  EXPECT_LT(flipped, 600);
}

TEST(BatchLoaderTest, EpochCoversDatasetOnceInOrderOfPermutation) {
  BatchLoader loader(CountingDataset(10), TransformPipeline({ScaleToMinusOneOne()}),
                     {.batch_size = 3, .seed = 5});
  EXPECT_EQ(loader.batches_per_epoch(), 3);  // drop_last: 9 of 10 examples
  loader.StartEpoch(0);
  std::set<int64_t> seen;
  int64_t batch_index = 0;
  while (auto batch = loader.Next()) {
    ASSERT_EQ(batch->images.sizes(), (std::vector<int64_t>{3, 1, 2, 2}));
    // Values were scaled: id = (x + 1) * 127.5.
    const torch::Tensor ids = batch->images.select(3, 0).select(2, 0).select(1, 0).add(1).mul(127.5).round().to(torch::kLong);
    EXPECT_TRUE(ids.equal(loader.BatchIndices(0, batch_index)));
    EXPECT_TRUE(batch->labels.equal(ids % 3));
    for (int64_t i = 0; i < 3; ++i) seen.insert(ids[i].item<int64_t>());
    ++batch_index;
  }
  EXPECT_EQ(batch_index, 3);
  EXPECT_EQ(seen.size(), 9u);
}

TEST(BatchLoaderTest, SeededReshufflePerEpochIsReproducible) {
  const BatchLoaderOptions options{.batch_size = 4, .seed = 11, .num_workers = 3, .prefetch = 2};
  BatchLoader first(CountingDataset(64), TransformPipeline(), options);
  BatchLoader second(CountingDataset(64), TransformPipeline(), options);
  const auto epoch0 = Epoch(first, 0);
  EXPECT_EQ(epoch0, Epoch(second, 0));
  EXPECT_NE(epoch0, Epoch(first, 1));
  BatchLoaderOptions other = options;
  other.seed = 12;
  BatchLoader third(CountingDataset(64), TransformPipeline(), other);
  EXPECT_NE(epoch0, Epoch(third, 0));
}

TEST(BatchLoaderTest, ResumesMidEpochWithSameBatchesAndTransforms) {
  TransformPipeline pipeline({ScaleToMinusOneOne(), RandomHorizontalFlip(0.5)});
  ImageDataset dataset = CountingDataset(32);
  dataset.images.select(3, 1).fill_(255);  // flip becomes visible in column 0
  BatchLoader loader(dataset, pipeline, {.batch_size = 4, .seed = 3});
  loader.StartEpoch(2);
  std::vector<torch::Tensor> full;
  while (auto batch = loader.Next()) full.push_back(batch->images);
  loader.StartEpoch(2, /*first_batch=*/5);
  for (size_t i = 5; i < full.size(); ++i) {
    auto batch = loader.Next();
    ASSERT_TRUE(batch.has_value());
    EXPECT_TRUE(batch->images.equal(full[i])) << "batch " << i;
  }
  EXPECT_FALSE(loader.Next().has_value());
}

TEST(BatchLoaderTest, RanksTakeDisjointShardsOfTheSamePermutation) {
  std::set<int64_t> all;
  for (int rank = 0; rank < 2; ++rank) {
    BatchLoader loader(CountingDataset(16), TransformPipeline(),
                       {.batch_size = 4, .seed = 9, .rank = rank, .world_size = 2});
    EXPECT_EQ(loader.batches_per_epoch(), 2);
    for (const auto& batch : Epoch(loader, 0)) all.insert(batch.begin(), batch.end());
  }
  EXPECT_EQ(all.size(), 16u);
}

TEST(BatchLoaderTest, WorkerErrorsReachTheConsumer) {
  TransformPipeline failing({[](const torch::Tensor&, std::mt19937_64&) -> torch::Tensor {
    throw std::runtime_error("bad transform");
  }});
  BatchLoader loader(CountingDataset(8), failing, {.batch_size = 2});
  loader.StartEpoch(0);
  EXPECT_THROW(loader.Next(), std::runtime_error);
}

TEST(BatchLoaderTest, TooFewExamplesIsAnError) {
  EXPECT_THROW(BatchLoader(CountingDataset(3), TransformPipeline(), {.batch_size = 4}),
               c10::Error);
}

}  // namespace
}  // namespace gan
