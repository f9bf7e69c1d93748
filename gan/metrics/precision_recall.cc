#include "gan/metrics/precision_recall.h"

#include <algorithm>
#include <vector>

#include <torch/utils.h>

#include "gan/metrics/feature_checks.h"

namespace gan {
namespace {

void CheckK(int64_t k, const torch::Tensor& t, const char* name, const char* caller) {
  TORCH_CHECK(k >= 1, caller, ": k must be >= 1, got ", k);
  TORCH_CHECK(t.size(0) > k, caller, ": the k-th nearest neighbour (k = ", k, ") needs more than ",
              k, " ", name, " samples, got ", t.size(0));
}

// One block of rows as float64 with its squared norms.
struct Block {
  torch::Tensor rows;     // [b, d] float64
  torch::Tensor squares;  // [b]
};

Block MakeBlock(const torch::Tensor& features, int64_t begin, int64_t end,
                const torch::Device& device) {
  Block b;
  b.rows = features.slice(0, begin, end).to(device, torch::kDouble);
  b.squares = b.rows.pow(2).sum(1);
  return b;
}

// [a, b] squared Euclidean distances, clamped at 0 against rounding.
torch::Tensor SquaredDistances(const Block& a, const Block& b) {
  return (a.squares.unsqueeze(1) - 2.0 * torch::mm(a.rows, b.rows.t()) + b.squares.unsqueeze(0))
      .clamp_min(0.0);
}

// [N, k_max + 1] ascending: the k_max + 1 smallest squared distances from each row to all
// rows (its own 0 included, so column k is the k-th nearest other row).
torch::Tensor SmallestSquaredDistances(const torch::Tensor& features, int64_t k_max,
                                       int64_t block_size, const torch::Device& device) {
  const int64_t n = features.size(0);
  std::vector<torch::Tensor> per_block;
  for (int64_t i0 = 0; i0 < n; i0 += block_size) {
    const int64_t i1 = std::min(n, i0 + block_size);
    const Block rows = MakeBlock(features, i0, i1, device);
    torch::Tensor best = torch::empty({i1 - i0, 0}, rows.rows.options());
    for (int64_t j0 = 0; j0 < n; j0 += block_size) {
      const int64_t j1 = std::min(n, j0 + block_size);
      torch::Tensor d =
          i0 == j0 ? SquaredDistances(rows, rows) : SquaredDistances(rows, MakeBlock(features, j0, j1, device));
      if (i0 == j0) d.diagonal().zero_();  // a row's distance to itself is exactly 0
      const torch::Tensor candidates = torch::cat({best, d}, 1);
      best = std::get<0>(torch::topk(candidates, std::min(k_max + 1, candidates.size(1)), 1,
                                     /*largest=*/false, /*sorted=*/true));
    }
    per_block.push_back(best);
  }
  return torch::cat(per_block, 0);
}

// k_pr / k_dc = 0 skips precision-recall / density-coverage.
ManifoldMetrics Evaluate(const torch::Tensor& real_in, const torch::Tensor& fake_in, int64_t k_pr,
                         int64_t k_dc, int64_t block_size, const char* caller) {
  CheckFeatures(real_in, "real", caller);
  CheckFeatures(fake_in, "fake", caller);
  TORCH_CHECK(real_in.size(1) == fake_in.size(1), caller,
              ": real and fake features must have the same width, got ", real_in.sizes(), " and ",
              fake_in.sizes());
  TORCH_CHECK(block_size >= 1, caller, ": block_size must be >= 1, got ", block_size);
  if (k_pr > 0) {
    CheckK(k_pr, real_in, "real", caller);
    CheckK(k_pr, fake_in, "fake", caller);
  }
  if (k_dc > 0) CheckK(k_dc, real_in, "real", caller);
  torch::NoGradGuard no_grad;
  const torch::Tensor real = real_in.detach();
  const torch::Tensor fake = fake_in.detach();
  const torch::Device device = real.device();
  const int64_t n = real.size(0), m = fake.size(0);

  // Squared radii.
  const torch::Tensor real_nearest =
      SmallestSquaredDistances(real, std::max(k_pr, k_dc), block_size, device);
  const torch::Tensor real_pr = k_pr > 0 ? real_nearest.select(1, k_pr) : torch::Tensor();
  const torch::Tensor real_dc = k_dc > 0 ? real_nearest.select(1, k_dc) : torch::Tensor();
  const torch::Tensor fake_pr =
      k_pr > 0 ? SmallestSquaredDistances(fake, k_pr, block_size, device).select(1, k_pr)
               : torch::Tensor();

  const auto bool_options = torch::TensorOptions().dtype(torch::kBool).device(device);
  torch::Tensor fake_in_real_ball = torch::zeros({m}, bool_options);   // precision
  torch::Tensor real_in_fake_ball = torch::zeros({n}, bool_options);   // recall
  torch::Tensor real_balls_per_fake =
      torch::zeros({m}, torch::TensorOptions().dtype(torch::kLong).device(device));  // density
  torch::Tensor real_ball_has_fake = torch::zeros({n}, bool_options);  // coverage
  for (int64_t i0 = 0; i0 < n; i0 += block_size) {
    const int64_t i1 = std::min(n, i0 + block_size);
    const Block real_block = MakeBlock(real, i0, i1, device);
    for (int64_t j0 = 0; j0 < m; j0 += block_size) {
      const int64_t j1 = std::min(m, j0 + block_size);
      const torch::Tensor d = SquaredDistances(real_block, MakeBlock(fake, j0, j1, device));
      if (k_pr > 0) {
        // Kynkäänniemi et al.: on the sphere counts as inside (<=).
        const torch::Tensor in_real = d <= real_pr.slice(0, i0, i1).unsqueeze(1);
        fake_in_real_ball.slice(0, j0, j1).logical_or_(in_real.any(0));
        const torch::Tensor in_fake = d <= fake_pr.slice(0, j0, j1).unsqueeze(0);
        real_in_fake_ball.slice(0, i0, i1).logical_or_(in_fake.any(1));
      }
      if (k_dc > 0) {
        // Naeem et al.: strictly inside (<).
        const torch::Tensor inside = d < real_dc.slice(0, i0, i1).unsqueeze(1);
        real_balls_per_fake.slice(0, j0, j1).add_(inside.sum(0));
        real_ball_has_fake.slice(0, i0, i1).logical_or_(inside.any(1));
      }
    }
  }
  ManifoldMetrics result;
  auto fraction = [](const torch::Tensor& hits) {
    return hits.to(torch::kDouble).mean().item<double>();
  };
  if (k_pr > 0) {
    result.precision = fraction(fake_in_real_ball);
    result.recall = fraction(real_in_fake_ball);
  }
  if (k_dc > 0) {
    result.density = static_cast<double>(real_balls_per_fake.sum().item<int64_t>()) /
                     (static_cast<double>(k_dc) * static_cast<double>(m));
    result.coverage = fraction(real_ball_has_fake);
  }
  return result;
}

}  // namespace

torch::Tensor KthNearestNeighbourDistances(const torch::Tensor& features, int64_t k,
                                           int64_t block_size) {
  CheckFeatures(features, "input", "KthNearestNeighbourDistances");
  CheckK(k, features, "input", "KthNearestNeighbourDistances");
  TORCH_CHECK(block_size >= 1, "KthNearestNeighbourDistances: block_size must be >= 1, got ",
              block_size);
  torch::NoGradGuard no_grad;
  const torch::Tensor x = features.detach();
  return SmallestSquaredDistances(x, k, block_size, x.device()).select(1, k).sqrt();
}

ManifoldMetrics ComputeManifoldMetrics(const torch::Tensor& real, const torch::Tensor& fake,
                                       const ManifoldMetricsOptions& options) {
  TORCH_CHECK(options.precision_recall_k >= 1 && options.density_coverage_k >= 1,
              "ComputeManifoldMetrics: both k must be >= 1, got ", options.precision_recall_k,
              " and ", options.density_coverage_k);
  return Evaluate(real, fake, options.precision_recall_k, options.density_coverage_k,
                  options.block_size, "ComputeManifoldMetrics");
}

PrecisionRecall ImprovedPrecisionRecall(const torch::Tensor& real, const torch::Tensor& fake,
                                        int64_t k, int64_t block_size) {
  TORCH_CHECK(k >= 1, "ImprovedPrecisionRecall: k must be >= 1, got ", k);
  const ManifoldMetrics m = Evaluate(real, fake, k, 0, block_size, "ImprovedPrecisionRecall");
  return {m.precision, m.recall};
}

DensityCoverage DensityAndCoverage(const torch::Tensor& real, const torch::Tensor& fake,
                                   int64_t k, int64_t block_size) {
  TORCH_CHECK(k >= 1, "DensityAndCoverage: k must be >= 1, got ", k);
  const ManifoldMetrics m = Evaluate(real, fake, 0, k, block_size, "DensityAndCoverage");
  return {m.density, m.coverage};
}

}  // namespace gan
