#include "gan/metrics/evaluation.h"

#include <unistd.h>

#include <memory>
#include <mutex>
#include <random>
#include <utility>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gan/core/archive_file.h"
#include "gan/core/atomic_file.h"
#include "gan/core/random_state.h"
#include "gan/networks/generate.h"
#include "gan/networks/truncation.h"

namespace gan {
namespace {

// Restores LibTorch's global CPU generator when it goes out of scope, so an evaluation in
// the middle of training leaves the training's random stream as it was.
// The first word of the extractor's name ("fmnist-classifier", "inception-v3-fid").
std::string FeatureSpace(const std::string& extractor_name) {
  return extractor_name.substr(0, extractor_name.find(' '));
}

std::string ExtraFeaturesPath(const std::string& statistics_path) {
  return statistics_path + ".extra.pt";
}

}  // namespace

RealImages DatasetImages(const ImageDataset& data, TransformPipeline transforms) {
  return {data.size(), [data, transforms](int64_t first, int64_t count) {
            std::mt19937_64 unused_rng(0);
            torch::Tensor images = transforms(data.images.slice(0, first, first + count), unused_rng);
            torch::Tensor labels =
                data.has_labels() ? data.labels.slice(0, first, first + count) : torch::Tensor();
            return std::make_pair(images, labels);
          }};
}

FakeImages GeneratorImages(Generator generator, const EvaluationOptions& options,
                           const torch::Device& device) {
  const double truncation = options.truncation;
  const bool batch_statistics = options.batch_statistics;
  return [generator, truncation, batch_statistics, device](int64_t count,
                                                           const torch::Tensor& labels) {
    const torch::Tensor z = TruncatedNormal({count, generator->latent_dim()}, truncation).to(device);
    return GenerateImages(*generator, z, labels.defined() ? labels.to(device) : labels,
                          batch_statistics)
        .to(torch::kCPU);
  };
}

FakeImages ImagesInOrder(RealImages images) {
  auto next = std::make_shared<int64_t>(0);
  return [images, next](int64_t count, const torch::Tensor&) {
    TORCH_CHECK(*next + count <= images.size, "asked for more fake images than the ",
                images.size, " stored");
    torch::Tensor batch = images.batch(*next, count).first;
    *next += count;
    return batch;
  };
}

FakeImages StoredImages(const ImageDataset& images) {
  return ImagesInOrder(DatasetImages(images, TransformPipeline({ScaleToMinusOneOne()})));
}

absl::StatusOr<ReferenceFeatures> ComputeReferenceFeatures(const RealImages& real,
                                                           FeatureExtractor& extractor,
                                                           const StatisticsKey& key,
                                                           const EvaluationOptions& options) {
  if (real.size < 2) {
    return absl::InvalidArgumentError(absl::StrCat("reference data '", key.dataset, "' (",
                                                   key.split, ") has ", real.size,
                                                   " images; metrics need at least 2"));
  }
  ReferenceFeatures reference;
  reference.key = key;
  // A seeded subset of rows for KID and the k-NN metrics, kept in the seeded permutation's
  // order (not the data's): then every prefix is a seeded subset too, so a cache written
  // with more sample rows serves a smaller request with the rows it would have computed
  // (a prefix in data order would favour the first images, e.g. the first classes of a
  // class-sorted image folder).
  torch::Tensor keep = torch::zeros({real.size}, torch::kBool);
  torch::Tensor rank = torch::full({real.size}, -1, torch::kLong);
  const int64_t kept = std::min(options.sample_features, real.size);
  {
    at::Generator rng = at::make_generator<at::CPUGeneratorImpl>(options.seed);
    const torch::Tensor chosen = torch::randperm(real.size, rng, torch::kLong).slice(0, 0, kept);
    keep.index_fill_(0, chosen, true);
    rank.index_put_({chosen}, torch::arange(kept, torch::kLong));
  }
  std::vector<torch::Tensor> samples;
  for (int64_t first = 0; first < real.size; first += options.batch_size) {
    const int64_t count = std::min(options.batch_size, real.size - first);
    const auto [images, labels] = real.batch(first, count);
    const torch::Tensor features = extractor.Extract(images).features.to(torch::kCPU);
    reference.statistics.Add(features);
    samples.push_back(features.index({keep.slice(0, first, first + count)}));
    if (labels.defined()) {
      const int64_t classes = labels.max().item<int64_t>() + 1;
      while (static_cast<int64_t>(reference.per_class.size()) < classes) {
        reference.per_class.emplace_back(features.size(1));
      }
      for (int64_t c = 0; c < classes; ++c) {
        reference.per_class[c].Add(features.index({labels == c}));
      }
    }
  }
  reference.samples = torch::cat(samples).index_select(0, rank.index({keep}).argsort());
  return reference;
}

absl::StatusOr<ReferenceFeatures> LoadOrComputeReferenceFeatures(
    const std::string& cache_dir, const RealImages& real, FeatureExtractor& extractor,
    const StatisticsKey& key, const EvaluationOptions& options) {
  const std::string path = ReferenceStatisticsPath(cache_dir, key);
  const std::string extra_path = ExtraFeaturesPath(path);
  if (::access(path.c_str(), R_OK) == 0 && ::access(extra_path.c_str(), R_OK) == 0) {
    ReferenceFeatures reference;
    reference.key = key;
    absl::StatusOr<FeatureStatistics> statistics = LoadStatistics(path, key);
    if (!statistics.ok()) return statistics.status();
    reference.statistics = *statistics;
    try {
      torch::serialize::InputArchive archive;
      archive.load_from(extra_path);
      torch::Tensor counts, means, comoments;
      archive.read("samples", reference.samples);
      archive.read("class_counts", counts);
      archive.read("class_means", means);
      archive.read("class_comoments", comoments);
      for (int64_t c = 0; c < counts.size(0); ++c) {
        reference.per_class.push_back(
            counts[c].item<int64_t>() > 0
                ? FeatureStatistics::FromState(counts[c].item<int64_t>(), means[c], comoments[c])
                : FeatureStatistics(means.size(1)));
      }
    } catch (const c10::Error& e) {
      return absl::DataLossError(absl::StrCat("cannot read cached reference features '",
                                              extra_path, "': ", e.what_without_backtrace(),
                                              " (delete it to recompute)"));
    }
    if (reference.samples.size(0) < std::min(options.sample_features, real.size)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cached reference features '", extra_path, "' hold ", reference.samples.size(0),
          " sample rows, fewer than the ", options.sample_features, " asked for; delete it to recompute"));
    }
    reference.samples = reference.samples.slice(0, 0, options.sample_features);
    return reference;
  }
  absl::StatusOr<ReferenceFeatures> computed =
      ComputeReferenceFeatures(real, extractor, key, options);
  if (!computed.ok()) return computed.status();
  absl::Status saved = computed->statistics.Save(path, key);
  if (!saved.ok()) return saved;
  {
    const int64_t classes = static_cast<int64_t>(computed->per_class.size());
    const int64_t d = computed->statistics.dim();
    torch::Tensor counts = torch::zeros({classes}, torch::kLong);
    torch::Tensor means = torch::zeros({classes, d}, torch::kDouble);
    torch::Tensor comoments = torch::zeros({classes, d, d}, torch::kDouble);
    for (int64_t c = 0; c < classes; ++c) {
      const FeatureStatistics& s = computed->per_class[c];
      counts[c] = s.count();
      if (s.count() == 0) continue;
      means[c] = s.mean();
      comoments[c] = s.comoment();
    }
    torch::serialize::OutputArchive archive;
    archive.write("samples", computed->samples);
    archive.write("class_counts", counts);
    archive.write("class_means", means);
    archive.write("class_comoments", comoments);
    saved = WriteArchiveAtomically(extra_path, archive);
  }
  if (!saved.ok()) return saved;
  return computed;
}

namespace {

FakeFeatures ExtractFakeFeatures(const FakeImages& fakes, int64_t num_classes,
                                 FeatureExtractor& extractor, const EvaluationOptions& options) {
  FakeFeatures fake;
  std::vector<torch::Tensor> samples;
  int64_t sampled = 0;
  for (int64_t made = 0; made < options.num_fake; made += options.batch_size) {
    const int64_t count = std::min(options.batch_size, options.num_fake - made);
    const torch::Tensor labels =
        num_classes > 0 ? torch::randint(num_classes, {count}, torch::kLong) : torch::Tensor();
    const ExtractedFeatures out = extractor.Extract(fakes(count, labels));
    const torch::Tensor features = out.features.to(torch::kCPU);
    fake.statistics.Add(features);
    if (out.logits.defined()) fake.logits.push_back(out.logits.to(torch::kCPU));
    if (sampled < options.sample_features) {
      samples.push_back(features.slice(0, 0, options.sample_features - sampled));
      sampled += samples.back().size(0);
    }
  }
  fake.samples = torch::cat(samples);
  return fake;
}

// How the fakes and the reference were drawn; each metric adds how it computed its values.
nlohmann::json CommonProtocol(int64_t num_classes, const FeatureExtractor& extractor,
                              const ReferenceFeatures& real, const FakeFeatures& fake,
                              const EvaluationOptions& options) {
  return {
      {"extractor", extractor.name()},
      {"reference", nlohmann::json::parse(real.key.ToJson())},
      {"n_real", real.statistics.count()},
      {"n_fake", options.num_fake},
      {"sample_features", {{"real", real.samples.size(0)}, {"fake", fake.samples.size(0)}}},
      {"seed", options.seed},
      {"generator_batch_norm", options.batch_statistics ? "batch statistics (train mode)"
                                                        : "running statistics (eval mode)"},
      {"truncation", options.truncation > 0 ? nlohmann::json(options.truncation) : nlohmann::json("off")},
      {"fake_labels", num_classes > 0 ? "uniform over classes" : "none"}};
}

}  // namespace

absl::StatusOr<nlohmann::json> Evaluate(const FakeImages& fakes, int64_t num_classes,
                                        FeatureExtractor& extractor,
                                        const ReferenceFeatures& real,
                                        const EvaluationOptions& options) {
  if (options.num_fake < std::max<int64_t>(2, options.is_splits)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "evaluation needs at least max(2, IS splits = ", options.is_splits, ") fake images, got ",
        options.num_fake));
  }
  const std::vector<std::shared_ptr<const Metric>> registered = RegisteredMetrics();
  if (registered.empty()) {
    return absl::FailedPreconditionError(
        "no metric is linked into this program: depend on //gan/metrics/all_metrics");
  }
  RandomStateGuard rng_guard;
  torch::manual_seed(options.seed);
  const FakeFeatures fake = ExtractFakeFeatures(fakes, num_classes, extractor, options);
  nlohmann::json metrics = {{"feature_space", FeatureSpace(extractor.name())}};
  nlohmann::json protocol = CommonProtocol(num_classes, extractor, real, fake, options);
  const MetricInputs inputs{fakes, num_classes, extractor, real, fake, options};
  for (const auto& metric : registered) metric->Compute(inputs, metrics, protocol);
  return nlohmann::json{{"metrics", metrics}, {"protocol", protocol}};
}

std::string DescribeMetrics(const nlohmann::json& result) {
  const nlohmann::json& metrics = result.at("metrics");
  const std::string space =
      absl::StrCat("(", metrics.value("feature_space", std::string("?")), " features)");
  std::vector<std::string> parts;
  for (const auto& metric : RegisteredMetrics()) {
    std::string part = metric->Describe(metrics, space);
    if (!part.empty()) parts.push_back(std::move(part));
  }
  return absl::StrJoin(parts, ", ");
}

}  // namespace gan
