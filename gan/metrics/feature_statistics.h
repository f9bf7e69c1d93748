// Streaming mean and covariance of feature vectors (the Gaussian statistics FID compares),
// accumulated batch by batch in float64 without ever holding all features, and a file
// cache for a dataset's reference statistics so they are computed once.
//
// Each batch is merged with Chan et al.'s pairwise update (the batched form of Welford's
// algorithm): the batch's own mean and centered co-moment are computed in float64 and
// combined with the running ones, so no large sums of raw outer products are subtracted
// (the "E[xx^T] - mu mu^T" cancellation the naive two-sums form suffers from). The
// covariance uses the unbiased N - 1 denominator, as numpy.cov(rowvar=False) in
// pytorch-fid and torch-fidelity does.
//
//   gan::FeatureStatistics stats;
//   for (const torch::Tensor& batch : batches) stats.Add(extractor.Extract(batch).features);
//   torch::Tensor mu = stats.mean(), sigma = stats.covariance();  // float64
//
//   const gan::StatisticsKey key{"fashion-mnist", "train", extractor.name(), "bilinear-299"};
//   const std::string path = gan::ReferenceStatisticsPath(cache_dir, key);
//   GAN_ASSIGN_OR_RETURN(gan::FeatureStatistics reference,
//                        gan::LoadOrComputeStatistics(path, key, compute_reference));
//
// Tensor contract violations (wrong rank, width, dtype) throw c10::Error as in the rest of
// the tensor code; everything that touches files returns absl::Status.
#ifndef GAN_METRICS_FEATURE_STATISTICS_H_
#define GAN_METRICS_FEATURE_STATISTICS_H_

#include <cstdint>
#include <functional>
#include <string>

#include <torch/types.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace gan {

// What reference statistics were computed from. Two files are interchangeable only when
// all four fields match: FID against statistics of another split, extractor or resize
// method is a different number.
struct StatisticsKey {
  std::string dataset;    // e.g. "fashion-mnist"
  std::string split;      // e.g. "train"
  std::string extractor;  // FeatureExtractor::name()
  std::string resize;     // e.g. "bilinear-299"; "" when the extractor name already says it

  // Canonical one-line JSON object with sorted keys ({"dataset":..,"extractor":..,...}).
  std::string ToJson() const;
  bool operator==(const StatisticsKey& other) const;
  bool operator!=(const StatisticsKey& other) const { return !(*this == other); }
};

class FeatureStatistics {
 public:
  // The feature width is fixed by the first batch.
  FeatureStatistics() = default;
  // Starts with a fixed feature width; batches of another width are rejected.
  explicit FeatureStatistics(int64_t dim);

  // features: [B, D], any floating dtype, any device (B = 0 is a no-op). The running state
  // lives in float64 on the device of the first batch.
  void Add(const torch::Tensor& features);
  // Adds another accumulator's samples (e.g. from another worker), exactly as if its
  // batches had been added here.
  void Merge(const FeatureStatistics& other);

  int64_t count() const { return count_; }
  int64_t dim() const { return dim_; }  // -1 before the first batch
  // [D] float64; needs count() >= 1.
  torch::Tensor mean() const;
  // [D, D] float64, comoment / (count - 1); needs count() >= 2.
  torch::Tensor covariance() const;
  // [D, D] float64: sum over samples of (x - mean)(x - mean)^T.
  const torch::Tensor& comoment() const { return comoment_; }

  // Writes the statistics and `key` atomically (temporary file in the same directory, then
  // rename). Format: line 1 "gan-feature-statistics 1"; line 2 one JSON object with the
  // key's fields, "count", "dim", "dtype": "float64", "byte_order": "little" and the
  // layout; then mean[dim] and comoment[dim * dim] (row-major) as raw float64, so the
  // state round-trips bit for bit and `head -2 file` shows what a file holds.
  absl::Status Save(const std::string& path, const StatisticsKey& key) const;

  // Rebuilds an accumulator from saved state (tensors are copied to float64 on the CPU).
  static FeatureStatistics FromState(int64_t count, const torch::Tensor& mean,
                                     const torch::Tensor& comoment);

 private:
  int64_t dim_ = -1;
  int64_t count_ = 0;
  torch::Tensor mean_;      // [D] float64
  torch::Tensor comoment_;  // [D, D] float64
};

struct StoredStatistics {
  FeatureStatistics statistics;
  StatisticsKey key;
};

// Reads a file written by FeatureStatistics::Save; errors name the file and what was
// wrong (not a statistics file, truncated, bad metadata).
absl::StatusOr<StoredStatistics> ReadStatisticsFile(const std::string& path);

// ReadStatisticsFile, then checks that the stored key equals `expected_key`; a mismatch is
// a FailedPrecondition error naming the file, the differing fields and both values.
absl::StatusOr<FeatureStatistics> LoadStatistics(const std::string& path,
                                                 const StatisticsKey& expected_key);

// "<cache_dir>/<dataset>_<split>_<extractor>[_<resize>]_<hash>.stats": the readable parts
// are sanitized to [A-Za-z0-9.-] and shortened, the 16-hex-digit hash is the FNV-1a hash of
// key.ToJson(), so distinct keys get distinct files even when their readable parts
// collide after sanitizing.
std::string ReferenceStatisticsPath(const std::string& cache_dir, const StatisticsKey& key);
std::string ReferenceStatisticsPath(const std::string& cache_dir, const std::string& dataset,
                                    const std::string& split, const std::string& extractor_name,
                                    const std::string& resize = "");

// Loads `path` when it exists (a key mismatch is an error, never silently recomputed or
// overwritten); otherwise calls `compute`, saves its result under `key` and returns it.
absl::StatusOr<FeatureStatistics> LoadOrComputeStatistics(
    const std::string& path, const StatisticsKey& key,
    const std::function<absl::StatusOr<FeatureStatistics>()>& compute);

}  // namespace gan

#endif  // GAN_METRICS_FEATURE_STATISTICS_H_
