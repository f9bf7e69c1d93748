// The evaluation driver against values computed independently in the test: a tiny linear
// feature extractor (2x2 mean pooling, logits by a fixed linear map) over tiny labelled
// 4x4 data sets, so reference statistics, FID, the feature cache, intra-class FID, the RNG
// guard and the BatchNorm handling of GeneratorImages can all be checked exactly.
#include "gan/metrics/evaluation.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/linear.h>
#include <torch/utils.h>

#include "gan/data/image_dataset.h"
#include "gan/data/transforms.h"
#include "gan/metrics/feature_extractor.h"
#include "gan/metrics/feature_statistics.h"
#include "gan/metrics/fid.h"
#include "gan/metrics/inception_score.h"
#include "gan/metrics/kid.h"
#include "gan/networks/gan_modules.h"
#include "gan/networks/truncation.h"

namespace gan {
namespace {

// features = the four 2x2 block means of a [N, 1, 4, 4] image; logits = features W + b.
// Linear, so shifting every pixel by s shifts every feature by s and keeps covariances.
class TestExtractor : public FeatureExtractor {
 public:
  explicit TestExtractor(std::string name = "test-extractor (2x2 mean pool)")
      : name_(std::move(name)),
        weight_(torch::tensor({1.0f, -2.0f, 0.5f, 0.0f, 1.5f, 1.0f, -1.0f, 2.0f, 0.25f, -0.5f,
                               1.0f, -1.5f})
                    .view({4, 3})),
        bias_(torch::tensor({0.1f, -0.2f, 0.3f})) {}

  std::string name() const override { return name_; }
  int64_t feature_dim() const override { return 4; }
  int64_t num_classes() const override { return 3; }
  ExtractedFeatures Extract(const torch::Tensor& images) override {
    ++calls;
    images_seen += images.size(0);
    EXPECT_EQ(images.scalar_type(), torch::kFloat);
    EXPECT_GE(images.min().item<float>(), -1.0f);
    EXPECT_LE(images.max().item<float>(), 1.0f);
    const torch::Tensor features = torch::avg_pool2d(images, 2).flatten(1);
    return {features, torch::addmm(bias_, features, weight_)};
  }

  int64_t calls = 0;
  int64_t images_seen = 0;

 private:
  std::string name_;
  torch::Tensor weight_;
  torch::Tensor bias_;
};

TransformPipeline Scale() { return TransformPipeline({ScaleToMinusOneOne()}); }

// n images with pixels in [0, 200) (room for a shift) and labels 0, 1, 0, 1, ...
ImageDataset MakeDataset(int64_t n, uint64_t seed) {
  at::Generator rng = at::make_generator<at::CPUGeneratorImpl>(seed);
  ImageDataset data;
  data.images = torch::randint(0, 200, {n, 1, 4, 4}, rng, torch::kUInt8);
  data.labels = torch::arange(n, torch::kLong).remainder(2);
  data.num_classes = 2;
  return data;
}

ImageDataset Shifted(const ImageDataset& data, int64_t shift) {
  ImageDataset shifted = data;
  shifted.images = (data.images.to(torch::kLong) + shift).to(torch::kUInt8);
  return shifted;
}

// The extractor's features of all images at once, computed directly.
torch::Tensor AllFeatures(const ImageDataset& data) {
  return torch::avg_pool2d(data.images.to(torch::kFloat) / 127.5 - 1, 2).flatten(1);
}

torch::Tensor Covariance(const torch::Tensor& features) {
  return torch::cov(features.to(torch::kDouble).t());  // N - 1
}

void ExpectClose(const torch::Tensor& actual, const torch::Tensor& expected, double tolerance) {
  ASSERT_EQ(actual.sizes(), expected.sizes());
  const double error =
      (actual.to(torch::kDouble) - expected.to(torch::kDouble)).abs().max().item<double>();
  EXPECT_LE(error, tolerance) << "actual\n" << actual << "\nexpected\n" << expected;
}

StatisticsKey Key(const FeatureExtractor& extractor) {
  return StatisticsKey{"tiny", "train", extractor.name(), ""};
}

EvaluationOptions SmallOptions() {
  EvaluationOptions options;
  options.batch_size = 3;
  options.is_splits = 2;
  options.kid_subsets = 4;
  options.kid_subset_size = 5;
  options.seed = 7;
  return options;
}

// Index of the row of `all` equal to `row` (within float rounding), or -1.
int64_t RowIndex(const torch::Tensor& all, const torch::Tensor& row) {
  for (int64_t i = 0; i < all.size(0); ++i) {
    if ((all[i] - row).abs().max().item<double>() < 1e-6) return i;
  }
  return -1;
}

std::string CacheDir(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string dir =
      (tmp != nullptr ? std::string(tmp) : ::testing::TempDir()) + "/" + name;
  ::mkdir(dir.c_str(), 0755);
  return dir;
}

bool Exists(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

TEST(ComputeReferenceFeaturesTest, StatisticsMatchTorchOverAllImages) {
  const ImageDataset data = MakeDataset(10, 1);
  TestExtractor extractor;
  EvaluationOptions options = SmallOptions();  // batches of 3: 3, 3, 3, 1
  absl::StatusOr<ReferenceFeatures> reference =
      ComputeReferenceFeatures(DatasetImages(data, Scale()), extractor, Key(extractor), options);
  ASSERT_TRUE(reference.ok()) << reference.status();
  EXPECT_EQ(extractor.calls, 4);
  EXPECT_EQ(extractor.images_seen, 10);
  EXPECT_EQ(reference->key, Key(extractor));

  const torch::Tensor all = AllFeatures(data);
  EXPECT_EQ(reference->statistics.count(), 10);
  EXPECT_EQ(reference->statistics.dim(), 4);
  ExpectClose(reference->statistics.mean(), all.to(torch::kDouble).mean(0), 1e-7);
  ExpectClose(reference->statistics.covariance(), Covariance(all), 1e-7);

  ASSERT_EQ(reference->per_class.size(), 2u);
  for (int64_t c = 0; c < 2; ++c) {
    const torch::Tensor class_features = all.index({data.labels == c});
    ASSERT_EQ(class_features.size(0), 5);
    EXPECT_EQ(reference->per_class[c].count(), 5);
    ExpectClose(reference->per_class[c].mean(), class_features.to(torch::kDouble).mean(0), 1e-7);
    ExpectClose(reference->per_class[c].covariance(), Covariance(class_features), 1e-7);
  }
}

TEST(ComputeReferenceFeaturesTest, SamplesAreASeededSubsetOfTheFeatureRows) {
  const ImageDataset data = MakeDataset(10, 2);
  const torch::Tensor all = AllFeatures(data);
  TestExtractor extractor;
  EvaluationOptions options = SmallOptions();
  options.sample_features = 6;
  auto compute = [&](const EvaluationOptions& o) {
    absl::StatusOr<ReferenceFeatures> r =
        ComputeReferenceFeatures(DatasetImages(data, Scale()), extractor, Key(extractor), o);
    EXPECT_TRUE(r.ok()) << r.status();
    return r->samples;
  };
  const torch::Tensor samples = compute(options);
  ASSERT_EQ(samples.sizes(), (std::vector<int64_t>{6, 4}));
  std::vector<bool> used(10, false);
  for (int64_t i = 0; i < samples.size(0); ++i) {
    const int64_t index = RowIndex(all, samples[i]);
    ASSERT_GE(index, 0) << "sample row " << i << " is not a feature row: " << samples[i];
    EXPECT_FALSE(used[index]) << "feature row " << index << " sampled twice";
    used[index] = true;
  }
  // The same seed gives the same rows in the same order; another seed another subset.
  EXPECT_TRUE(torch::equal(compute(options), samples));
  EvaluationOptions other_seed = options;
  other_seed.seed = 8;
  EXPECT_FALSE(torch::equal(compute(other_seed), samples));
  // Fewer rows with the same seed: the first rows of the larger subset.
  EvaluationOptions fewer = options;
  fewer.sample_features = 3;
  EXPECT_TRUE(torch::equal(compute(fewer), samples.slice(0, 0, 3)));
  // More rows asked for than images: all of them, each once.
  EvaluationOptions more = options;
  more.sample_features = 25;
  const torch::Tensor every = compute(more);
  ASSERT_EQ(every.size(0), 10);
  std::vector<bool> seen(10, false);
  for (int64_t i = 0; i < 10; ++i) {
    const int64_t index = RowIndex(all, every[i]);
    ASSERT_GE(index, 0);
    EXPECT_FALSE(seen[index]);
    seen[index] = true;
  }
}

TEST(ComputeReferenceFeaturesTest, RejectsFewerThanTwoImages) {
  TestExtractor extractor;
  const absl::StatusOr<ReferenceFeatures> reference = ComputeReferenceFeatures(
      DatasetImages(MakeDataset(1, 3), Scale()), extractor, Key(extractor), SmallOptions());
  ASSERT_FALSE(reference.ok());
  EXPECT_EQ(reference.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(reference.status().message()).find("at least 2"), std::string::npos)
      << reference.status();
}

TEST(EvaluateTest, SameImagesAsFakesGiveZeroFidAndFullPrecisionRecallCoverage) {
  const ImageDataset data = MakeDataset(10, 4);
  TestExtractor extractor;
  EvaluationOptions options = SmallOptions();
  options.num_fake = 10;
  const absl::StatusOr<ReferenceFeatures> real =
      ComputeReferenceFeatures(DatasetImages(data, Scale()), extractor, Key(extractor), options);
  ASSERT_TRUE(real.ok()) << real.status();
  const absl::StatusOr<nlohmann::json> result =
      Evaluate(StoredImages(data), /*num_classes=*/0, extractor, *real, options);
  ASSERT_TRUE(result.ok()) << result.status();
  const nlohmann::json& m = (*result)["metrics"];
  EXPECT_NEAR(m["fid"].get<double>(), 0.0, 1e-6);
  EXPECT_DOUBLE_EQ(m["precision"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(m["recall"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(m["coverage"].get<double>(), 1.0);
  EXPECT_EQ(m["feature_space"], "test-extractor");
  EXPECT_FALSE(m.contains("intra_fid"));

  // IS and KID are those of the fakes' logits and features, computed directly.
  const torch::Tensor features = AllFeatures(data);
  InceptionScoreOptions is_options;
  is_options.splits = 2;
  const InceptionScoreResult is =
      InceptionScore(torch::addmm(torch::tensor({0.1f, -0.2f, 0.3f}), features,
                                  torch::tensor({1.0f, -2.0f, 0.5f, 0.0f, 1.5f, 1.0f, -1.0f,
                                                 2.0f, 0.25f, -0.5f, 1.0f, -1.5f})
                                      .view({4, 3})),
                     is_options);
  EXPECT_NEAR(m["is_mean"].get<double>(), is.mean, 1e-6);
  EXPECT_NEAR(m["is_std"].get<double>(), is.std, 1e-6);
  KernelInceptionDistanceOptions kid_options;
  kid_options.subsets = 4;
  kid_options.subset_size = 5;
  kid_options.seed = 7;
  const KernelInceptionDistanceResult kid =
      KernelInceptionDistance(real->samples, features, kid_options);
  EXPECT_NEAR(m["kid_mean"].get<double>(), kid.mean, 1e-9);
  EXPECT_NEAR(m["kid_std"].get<double>(), kid.std, 1e-9);

  const nlohmann::json& protocol = (*result)["protocol"];
  EXPECT_EQ(protocol["extractor"], "test-extractor (2x2 mean pool)");
  EXPECT_EQ(protocol["n_real"], 10);
  EXPECT_EQ(protocol["n_fake"], 10);
  EXPECT_EQ(protocol["seed"], 7);
  EXPECT_EQ(protocol["is_splits"], 2);
  EXPECT_EQ(protocol["reference"]["dataset"], "tiny");
  EXPECT_EQ(protocol["reference"]["split"], "train");
  EXPECT_EQ(protocol["fake_labels"], "none");
  EXPECT_EQ(protocol["sample_features"]["real"], 10);
  EXPECT_EQ(protocol["sample_features"]["fake"], 10);

  const std::string text = DescribeMetrics(*result);
  EXPECT_EQ(text.rfind("FID (test-extractor features) ", 0), 0u) << text;
  EXPECT_NE(text.find("IS (test-extractor features) "), std::string::npos) << text;
  EXPECT_NE(text.find("KID (test-extractor features) "), std::string::npos) << text;
  EXPECT_NE(text.find("precision 1.0000, recall 1.0000"), std::string::npos) << text;
}

TEST(EvaluateTest, ShiftedImagesGiveTheSquaredMeanShift) {
  const ImageDataset data = MakeDataset(12, 5);
  const int64_t shift = 20;
  const ImageDataset shifted = Shifted(data, shift);
  TestExtractor extractor;
  EvaluationOptions options = SmallOptions();
  options.num_fake = 12;
  options.batch_size = 5;
  const absl::StatusOr<ReferenceFeatures> real =
      ComputeReferenceFeatures(DatasetImages(data, Scale()), extractor, Key(extractor), options);
  ASSERT_TRUE(real.ok()) << real.status();

  // Every feature moves by shift / 127.5; the covariances stay equal, so FID = ||dmu||^2.
  const torch::Tensor real_features = AllFeatures(data).to(torch::kDouble);
  const torch::Tensor fake_features = AllFeatures(shifted).to(torch::kDouble);
  ExpectClose(Covariance(fake_features), Covariance(real_features), 1e-6);
  const double mean_shift_squared =
      (fake_features.mean(0) - real_features.mean(0)).pow(2).sum().item<double>();
  const double per_feature = shift / 127.5;
  EXPECT_NEAR(mean_shift_squared, 4 * per_feature * per_feature, 1e-6);

  const absl::StatusOr<nlohmann::json> result =
      Evaluate(StoredImages(shifted), 0, extractor, *real, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_NEAR((*result)["metrics"]["fid"].get<double>(), mean_shift_squared, 1e-5);
  EXPECT_NEAR((*result)["metrics"]["fid"].get<double>(), 0.0984236831, 1e-5);  // 4 (20/127.5)^2
  EXPECT_EQ((*result)["protocol"]["n_fake"], 12);
}

TEST(EvaluateTest, RejectsFewerFakesThanIsSplits) {
  const ImageDataset data = MakeDataset(10, 6);
  TestExtractor extractor;
  EvaluationOptions options = SmallOptions();
  const absl::StatusOr<ReferenceFeatures> real =
      ComputeReferenceFeatures(DatasetImages(data, Scale()), extractor, Key(extractor), options);
  ASSERT_TRUE(real.ok());
  options.num_fake = 5;
  options.is_splits = 6;
  const absl::StatusOr<nlohmann::json> result =
      Evaluate(StoredImages(data), 0, extractor, *real, options);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
}

// Linear(latent 3 -> 16) + BatchNorm1d(16) + tanh, viewed as [N, 1, 4, 4] images.
class TinyBatchNormGenerator : public GeneratorModule {
 public:
  TinyBatchNormGenerator() {
    linear_ = register_module("linear", torch::nn::Linear(3, 16));
    norm_ = register_module("norm", torch::nn::BatchNorm1d(16));
  }
  using GeneratorModule::forward;
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor&) override {
    return torch::tanh(norm_->forward(linear_->forward(z))).view({-1, 1, 4, 4});
  }
  int64_t latent_dim() const override { return 3; }
  int64_t image_size() const override { return 4; }
  int64_t image_channels() const override { return 1; }

  torch::nn::Linear linear_{nullptr};
  torch::nn::BatchNorm1d norm_{nullptr};
};

std::shared_ptr<TinyBatchNormGenerator> MakeGenerator() {
  torch::manual_seed(11);
  auto generator = std::make_shared<TinyBatchNormGenerator>();
  // Running statistics away from their initial (0, 1), so "unchanged" means something.
  torch::NoGradGuard no_grad;
  generator->train(true);
  for (int i = 0; i < 3; ++i) generator->forward(torch::randn({8, 3}) * 2 + 1);
  return generator;
}

std::vector<torch::Tensor> Buffers(const torch::nn::Module& module) {
  std::vector<torch::Tensor> copies;
  for (const auto& buffer : module.buffers()) copies.push_back(buffer.clone());
  return copies;
}

void ExpectBuffersEqual(const torch::nn::Module& module, const std::vector<torch::Tensor>& before) {
  const std::vector<torch::Tensor> now = module.buffers();
  ASSERT_EQ(now.size(), before.size());
  for (size_t i = 0; i < now.size(); ++i) {
    EXPECT_TRUE(torch::equal(now[i], before[i])) << "buffer " << i << " changed";
  }
}

TEST(GeneratorImagesTest, BatchStatisticsLeaveRunningStatisticsAndModeAsTheyWere) {
  for (const bool start_training : {false, true}) {
    SCOPED_TRACE(start_training ? "generator in train mode" : "generator in eval mode");
    const std::shared_ptr<TinyBatchNormGenerator> generator = MakeGenerator();
    generator->train(start_training);
    const std::vector<torch::Tensor> before = Buffers(*generator);
    ASSERT_EQ(before.size(), 3u);  // running_mean, running_var, num_batches_tracked
    EXPECT_GT(before[2].item<int64_t>(), 0);

    EvaluationOptions options;
    options.batch_statistics = true;
    const FakeImages fakes = GeneratorImages(generator, options, torch::kCPU);
    torch::manual_seed(21);
    const torch::Tensor images = fakes(6, torch::Tensor());
    EXPECT_EQ(generator->is_training(), start_training);
    ExpectBuffersEqual(*generator, before);

    // Expected: the same latents through BatchNorm with the batch's own statistics.
    torch::manual_seed(21);
    const torch::Tensor z = torch::randn({6, 3});
    torch::NoGradGuard no_grad;
    const torch::Tensor h = generator->linear_->forward(z);
    const torch::Tensor normalized =
        (h - h.mean(0)) / torch::sqrt(h.var(0, /*unbiased=*/false) + 1e-5) *
            generator->norm_->weight + generator->norm_->bias;
    ASSERT_EQ(images.sizes(), (std::vector<int64_t>{6, 1, 4, 4}));
    ExpectClose(images, torch::tanh(normalized).view({6, 1, 4, 4}), 1e-5);
  }
}

TEST(GeneratorImagesTest, RunningStatisticsByDefault) {
  const std::shared_ptr<TinyBatchNormGenerator> generator = MakeGenerator();
  generator->train(true);
  const std::vector<torch::Tensor> before = Buffers(*generator);
  const FakeImages fakes = GeneratorImages(generator, EvaluationOptions(), torch::kCPU);
  torch::manual_seed(22);
  const torch::Tensor images = fakes(5, torch::Tensor());
  EXPECT_TRUE(generator->is_training());
  ExpectBuffersEqual(*generator, before);

  torch::manual_seed(22);
  const torch::Tensor z = TruncatedNormal({5, 3}, 0);
  torch::NoGradGuard no_grad;
  const torch::Tensor h = generator->linear_->forward(z);
  const torch::Tensor normalized =
      (h - generator->norm_->running_mean) / torch::sqrt(generator->norm_->running_var + 1e-5) *
          generator->norm_->weight + generator->norm_->bias;
  ExpectClose(images, torch::tanh(normalized).view({5, 1, 4, 4}), 1e-5);
}

TEST(EvaluateTest, LeavesTheGlobalRandomStreamUntouched) {
  const ImageDataset data = MakeDataset(10, 7);
  TestExtractor extractor;
  EvaluationOptions options = SmallOptions();
  options.num_fake = 8;
  const absl::StatusOr<ReferenceFeatures> real =
      ComputeReferenceFeatures(DatasetImages(data, Scale()), extractor, Key(extractor), options);
  ASSERT_TRUE(real.ok());
  const std::shared_ptr<TinyBatchNormGenerator> generator = MakeGenerator();

  auto draws = [&](bool evaluate, nlohmann::json* result) {
    torch::manual_seed(1234);
    std::vector<torch::Tensor> out;
    out.push_back(torch::rand({3}));
    out.push_back(torch::randn({1}));  // leaves a cached second normal sample in the state
    if (evaluate) {
      // Draws latents and labels from the global generator, which Evaluate reseeds.
      absl::StatusOr<nlohmann::json> r = Evaluate(GeneratorImages(generator, options, torch::kCPU),
                                                  /*num_classes=*/2, extractor, *real, options);
      EXPECT_TRUE(r.ok()) << r.status();
      if (r.ok()) *result = *r;
    }
    out.push_back(torch::rand({5}));
    out.push_back(torch::randn({3}));
    out.push_back(torch::randn({20}));
    out.push_back(torch::randint(1000, {4}));
    return out;
  };
  nlohmann::json first, second;
  const std::vector<torch::Tensor> without = draws(false, nullptr);
  const std::vector<torch::Tensor> with = draws(true, &first);
  ASSERT_EQ(with.size(), without.size());
  for (size_t i = 0; i < with.size(); ++i) {
    EXPECT_TRUE(torch::equal(with[i], without[i])) << "draw " << i << ": " << with[i] << " vs "
                                                   << without[i];
  }
  // And the evaluation itself is reproducible from its own seed.
  draws(true, &second);
  EXPECT_EQ(first["metrics"], second["metrics"]);
  EXPECT_EQ(first["protocol"]["fake_labels"], "uniform over classes");
}

TEST(LoadOrComputeReferenceFeaturesTest, WritesTheCacheThenLoadsItWithoutExtracting) {
  const ImageDataset data = MakeDataset(10, 8);
  const std::string dir = CacheDir("reference_cache");
  TestExtractor extractor;
  EvaluationOptions options = SmallOptions();
  options.sample_features = 6;
  const StatisticsKey key = Key(extractor);
  const std::string path = ReferenceStatisticsPath(dir, key);
  std::remove(path.c_str());
  std::remove((path + ".extra.pt").c_str());

  const absl::StatusOr<ReferenceFeatures> computed =
      LoadOrComputeReferenceFeatures(dir, DatasetImages(data, Scale()), extractor, key, options);
  ASSERT_TRUE(computed.ok()) << computed.status();
  EXPECT_EQ(extractor.calls, 4);
  EXPECT_TRUE(Exists(path)) << path;
  EXPECT_TRUE(Exists(path + ".extra.pt")) << path << ".extra.pt";
  const absl::StatusOr<FeatureStatistics> on_disk = LoadStatistics(path, key);
  ASSERT_TRUE(on_disk.ok()) << on_disk.status();
  EXPECT_EQ(on_disk->count(), 10);

  TestExtractor counting;
  const absl::StatusOr<ReferenceFeatures> loaded =
      LoadOrComputeReferenceFeatures(dir, DatasetImages(data, Scale()), counting, key, options);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(counting.calls, 0);
  EXPECT_EQ(loaded->key, key);
  EXPECT_EQ(loaded->statistics.count(), computed->statistics.count());
  EXPECT_TRUE(torch::equal(loaded->statistics.mean(), computed->statistics.mean()));
  EXPECT_TRUE(torch::equal(loaded->statistics.comoment(), computed->statistics.comoment()));
  EXPECT_TRUE(torch::equal(loaded->samples, computed->samples));
  ASSERT_EQ(loaded->per_class.size(), computed->per_class.size());
  ASSERT_EQ(loaded->per_class.size(), 2u);
  for (size_t c = 0; c < 2; ++c) {
    EXPECT_EQ(loaded->per_class[c].count(), 5);
    EXPECT_EQ(loaded->per_class[c].count(), computed->per_class[c].count());
    EXPECT_TRUE(torch::equal(loaded->per_class[c].mean(), computed->per_class[c].mean()));
    EXPECT_TRUE(torch::equal(loaded->per_class[c].comoment(), computed->per_class[c].comoment()));
  }

  // A smaller request served from the cache equals what computing it would give.
  EvaluationOptions fewer = options;
  fewer.sample_features = 4;
  const absl::StatusOr<ReferenceFeatures> loaded_fewer =
      LoadOrComputeReferenceFeatures(dir, DatasetImages(data, Scale()), counting, key, fewer);
  ASSERT_TRUE(loaded_fewer.ok()) << loaded_fewer.status();
  EXPECT_EQ(counting.calls, 0);
  TestExtractor fresh;
  const absl::StatusOr<ReferenceFeatures> computed_fewer =
      ComputeReferenceFeatures(DatasetImages(data, Scale()), fresh, key, fewer);
  ASSERT_TRUE(computed_fewer.ok());
  EXPECT_TRUE(torch::equal(loaded_fewer->samples, computed_fewer->samples))
      << loaded_fewer->samples << "\nvs computed\n" << computed_fewer->samples;

  // A cache holding fewer sample rows than asked for is an error, not a silent shortfall.
  EvaluationOptions more = options;
  more.sample_features = 8;
  const absl::StatusOr<ReferenceFeatures> too_few =
      LoadOrComputeReferenceFeatures(dir, DatasetImages(data, Scale()), counting, key, more);
  EXPECT_EQ(too_few.status().code(), absl::StatusCode::kFailedPrecondition) << too_few.status();
}

TEST(LoadOrComputeReferenceFeaturesTest, FileOfAnotherKeyIsAnErrorNamingTheField) {
  const ImageDataset data = MakeDataset(10, 9);
  const std::string dir = CacheDir("reference_cache_key");
  TestExtractor extractor;
  const StatisticsKey key = Key(extractor);
  const std::string path = ReferenceStatisticsPath(dir, key);
  std::remove(path.c_str());
  std::remove((path + ".extra.pt").c_str());
  ASSERT_TRUE(LoadOrComputeReferenceFeatures(dir, DatasetImages(data, Scale()), extractor, key,
                                             SmallOptions())
                  .ok());

  StatisticsKey other = key;
  other.extractor = "other-extractor";
  const absl::StatusOr<FeatureStatistics> wrong = LoadStatistics(path, other);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kFailedPrecondition);
  const std::string message(wrong.status().message());
  EXPECT_NE(message.find("extractor"), std::string::npos) << message;
  EXPECT_NE(message.find("other-extractor"), std::string::npos) << message;
  EXPECT_EQ(message.find("split is"), std::string::npos) << message;

  // The driver checks the key too: the files moved to another key's path are rejected.
  StatisticsKey other_split = key;
  other_split.split = "test";
  const std::string moved = ReferenceStatisticsPath(dir, other_split);
  ASSERT_EQ(std::rename(path.c_str(), moved.c_str()), 0);
  ASSERT_EQ(std::rename((path + ".extra.pt").c_str(), (moved + ".extra.pt").c_str()), 0);
  TestExtractor counting;
  const absl::StatusOr<ReferenceFeatures> rejected = LoadOrComputeReferenceFeatures(
      dir, DatasetImages(data, Scale()), counting, other_split, SmallOptions());
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(rejected.status().message()).find("split is \"train\""), std::string::npos)
      << rejected.status();
  EXPECT_EQ(counting.calls, 0);
}

// For labels c, the next images of class (c + offset) % 2 of `data`, cycling through each
// class's images, so a request for as many images as a class has returns all of them.
FakeImages ClassImages(const ImageDataset& data, int64_t offset) {
  auto next = std::make_shared<std::vector<int64_t>>(2, 0);
  return [data, offset, next](int64_t count, const torch::Tensor& labels) {
    EXPECT_TRUE(labels.defined());
    std::vector<torch::Tensor> images;
    for (int64_t i = 0; i < count; ++i) {
      const int64_t c = (labels[i].item<int64_t>() + offset) % 2;
      const torch::Tensor of_class = data.images.index({data.labels == c});
      images.push_back(of_class[(*next)[c]++ % of_class.size(0)]);
    }
    return torch::stack(images).to(torch::kFloat) / 127.5 - 1;
  };
}

TEST(EvaluateTest, IntraClassFidOfClassMatchedFakesIsZero) {
  const ImageDataset data = MakeDataset(12, 10);
  TestExtractor extractor;
  EvaluationOptions options = SmallOptions();
  options.num_fake = 12;  // 6 per class: every image of the class once
  options.batch_size = 4;
  const absl::StatusOr<ReferenceFeatures> real =
      ComputeReferenceFeatures(DatasetImages(data, Scale()), extractor, Key(extractor), options);
  ASSERT_TRUE(real.ok());

  const absl::StatusOr<nlohmann::json> result =
      Evaluate(ClassImages(data, 0), /*num_classes=*/2, extractor, *real, options);
  ASSERT_TRUE(result.ok()) << result.status();
  const nlohmann::json& m = (*result)["metrics"];
  ASSERT_TRUE(m.contains("intra_fid")) << m.dump();
  EXPECT_NEAR(m["intra_fid"].get<double>(), 0.0, 1e-6);
  ASSERT_EQ(m["intra_fid_per_class"].size(), 2u);
  EXPECT_NEAR(m["intra_fid_per_class"][0].get<double>(), 0.0, 1e-6);
  EXPECT_NEAR(m["intra_fid_per_class"][1].get<double>(), 0.0, 1e-6);
  EXPECT_TRUE((*result)["protocol"].contains("intra_fid"));
  EXPECT_NE(DescribeMetrics(*result).find("intra-class FID (test-extractor features) "),
            std::string::npos);

  // Swapped classes: each class's FID is that between the two classes' real statistics.
  const absl::StatusOr<nlohmann::json> swapped =
      Evaluate(ClassImages(data, 1), 2, extractor, *real, options);
  ASSERT_TRUE(swapped.ok()) << swapped.status();
  const torch::Tensor all = AllFeatures(data);
  std::vector<double> expected;
  for (int64_t c = 0; c < 2; ++c) {
    const torch::Tensor mine = all.index({data.labels == c}).to(torch::kDouble);
    const torch::Tensor theirs = all.index({data.labels == 1 - c}).to(torch::kDouble);
    expected.push_back(
        FrechetDistance(mine.mean(0), Covariance(mine), theirs.mean(0), Covariance(theirs)));
  }
  EXPECT_GT(expected[0], 1e-3);
  const nlohmann::json& s = (*swapped)["metrics"];
  EXPECT_NEAR(s["intra_fid_per_class"][0].get<double>(), expected[0], 1e-6);
  EXPECT_NEAR(s["intra_fid_per_class"][1].get<double>(), expected[1], 1e-6);
  EXPECT_NEAR(s["intra_fid"].get<double>(), (expected[0] + expected[1]) / 2, 1e-6);

  // Switched off: no intra-class entries at all.
  EvaluationOptions off = options;
  off.intra_class_fid = false;
  TestExtractor counting;
  const absl::StatusOr<nlohmann::json> without =
      Evaluate(ClassImages(data, 0), 2, counting, *real, off);
  ASSERT_TRUE(without.ok()) << without.status();
  EXPECT_FALSE((*without)["metrics"].contains("intra_fid"));
  EXPECT_FALSE((*without)["metrics"].contains("intra_fid_per_class"));
  EXPECT_FALSE((*without)["protocol"].contains("intra_fid"));
  EXPECT_EQ(counting.images_seen, 12);  // only the main pass
}

}  // namespace
}  // namespace gan
