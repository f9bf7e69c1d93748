// Kernel Inception Distance (Bińkowski et al. 2018): the unbiased estimate of the squared
// MMD between real and generated features under the cubic polynomial kernel
//
//   k(x, y) = (x.y / d + 1)^3,        d = feature width,
//   MMD^2_u = mean_{i != j} k(x_i, x_j) + mean_{i != j} k(y_i, y_j) - 2 mean_{i, j} k(x_i, y_j),
//
// averaged over `subsets` random subsets (drawn without replacement, seeded) of
// `subset_size` samples from each set, reported as mean and population std (numpy.std,
// ddof 0), all in float64. Conventions, checked against the references:
//  * kernel, estimator (the diagonals of Kxx and Kyy left out, all of Kxy kept), 100
//    subsets of 1000 and np.std: torch-fidelity's metric_kid.py (adapted from the MMD-GAN
//    authors' compute_scores.py);
//  * subset size: torch-fidelity errors when a set has fewer than kid_subset_size samples;
//    clean-fid's kernel_distance uses m = min(n_real, n_fake, max_subset_size) for both
//    sets. This follows clean-fid and reports the m used.
// The raw value is returned; papers often quote KID x 1000 (or x 100).
//
//   gan::KernelInceptionDistanceResult kid = gan::KernelInceptionDistance(real, fake);
//   std::cout << kid.mean << " +- " << kid.std << " (subsets of " << kid.subset_size << ")";
#ifndef GAN_METRICS_KID_H_
#define GAN_METRICS_KID_H_

#include <cstdint>
#include <vector>

#include <torch/types.h>

namespace gan {

// [m, n] float64 kernel matrix (x y^T / d + 1)^3 for x [m, d], y [n, d].
torch::Tensor CubicPolynomialKernel(const torch::Tensor& x, const torch::Tensor& y);

// Unbiased MMD^2 under the cubic polynomial kernel; x [m, d], y [n, d] with m, n >= 2 (m
// and n may differ; with m = n it is torch-fidelity's mmd2(..., "unbiased")).
double UnbiasedPolynomialMmd2(const torch::Tensor& x, const torch::Tensor& y);

struct KernelInceptionDistanceOptions {
  int64_t subsets = 100;
  int64_t subset_size = 1000;  // capped at the smaller set's size
  uint64_t seed = 0;
};

struct KernelInceptionDistanceResult {
  double mean = 0;
  double std = 0;  // population (ddof 0)
  int64_t subset_size = 0;  // the m actually used
  std::vector<double> subset_values;
};

// real: [N, d], fake: [M, d], any floating dtype and device; N, M >= 2. Each subset draws
// its real rows then its fake rows from one CPU generator seeded with `seed`.
KernelInceptionDistanceResult KernelInceptionDistance(
    const torch::Tensor& real, const torch::Tensor& fake,
    const KernelInceptionDistanceOptions& options = {});

}  // namespace gan

#endif  // GAN_METRICS_KID_H_
