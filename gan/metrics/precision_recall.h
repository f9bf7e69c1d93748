// k-nearest-neighbour manifold metrics between real and generated feature sets:
//
//  * Improved precision and recall (Kynkäänniemi et al. 2019, k = 3). Each sample's ball
//    has the radius of its k-th nearest neighbour within its own set (itself excluded).
//    precision = fraction of fakes inside at least one real ball,
//    recall    = fraction of reals inside at least one fake ball.
//  * Density and coverage (Naeem et al. 2020, k = 5), from the real balls only:
//    density  = (1 / (k M)) sum_j #{real balls containing fake j}  (can exceed 1),
//    coverage = fraction of real balls containing at least one fake.
//
// Boundary conventions follow each metric's reference code: precision/recall count a
// point on a sphere as inside (distance <= radius: kynkaat/improved-precision-and-recall-
// metric and torch-fidelity's metric_prc.py), density/coverage do not (distance < radius:
// clovaai/generative-evaluation-prdc). "Itself excluded" is the references' k+1-th
// smallest distance in a row that includes the sample's own 0, so exact duplicates count as
// neighbours at distance 0 there as here.
//
// Distances are computed in float64 from ||a||^2 - 2 a.b + ||b||^2 in blocks of
// `block_size` x `block_size` (rows converted to float64 per block), and squared distances
// are compared with squared radii; nothing of size N x M is ever held. With the default
// 1024 a 10k x 10k x 2048 evaluation peaks at a few tens of MB beyond the inputs.
//
//   gan::ManifoldMetrics m = gan::ComputeManifoldMetrics(real_features, fake_features);
//   // m.precision, m.recall (k = 3), m.density, m.coverage (k = 5)
#ifndef GAN_METRICS_PRECISION_RECALL_H_
#define GAN_METRICS_PRECISION_RECALL_H_

#include <cstdint>

#include <torch/types.h>

namespace gan {

struct ManifoldMetricsOptions {
  int64_t precision_recall_k = 3;   // Kynkäänniemi et al.'s default
  int64_t density_coverage_k = 5;   // Naeem et al.'s default
  int64_t block_size = 1024;        // rows and columns per distance block
};

struct ManifoldMetrics {
  double precision = 0;
  double recall = 0;
  double density = 0;
  double coverage = 0;
};

// [N] float64: distance from each row of `features` [N, d] to its k-th nearest other row
// (k < N). Computed in blocks.
torch::Tensor KthNearestNeighbourDistances(const torch::Tensor& features, int64_t k,
                                           int64_t block_size = 1024);

// All four metrics with one pass over the real-fake distances (and one over each set for
// the radii). real: [N, d], fake: [M, d], any floating dtype and device; N and M must exceed
// the k they are used with. Throws c10::Error on bad input.
ManifoldMetrics ComputeManifoldMetrics(const torch::Tensor& real, const torch::Tensor& fake,
                                       const ManifoldMetricsOptions& options = {});

struct PrecisionRecall {
  double precision = 0;
  double recall = 0;
};

PrecisionRecall ImprovedPrecisionRecall(const torch::Tensor& real, const torch::Tensor& fake,
                                        int64_t k = 3, int64_t block_size = 1024);

struct DensityCoverage {
  double density = 0;
  double coverage = 0;
};

DensityCoverage DensityAndCoverage(const torch::Tensor& real, const torch::Tensor& fake,
                                   int64_t k = 5, int64_t block_size = 1024);

}  // namespace gan

#endif  // GAN_METRICS_PRECISION_RECALL_H_
