// Fréchet distance between two Gaussians N(mu1, S1) and N(mu2, S2) — the FID of Heusel et
// al. 2017 when they are the feature statistics of real and generated images:
//
//   d^2 = ||mu1 - mu2||^2 + tr(S1) + tr(S2) - 2 tr( sqrtm(S1 S2) ),
//
// computed in float64 as pytorch-fid's calculate_frechet_distance (which uses
// scipy.linalg.sqrtm) defines it. The only hard term is tr sqrtm(S1 S2), and it only needs
// eigenvalues:
//
//  * Symmetric form (default). With R = sqrt(S1) (from eigh of S1), M = R S2 R is
//    symmetric PSD. When S1 is invertible, S1 S2 = R (R S2 R) R^{-1} is similar to M; in
//    general S1 S2 = R (R S2) and M = (R S2) R are AB and BA, which share their nonzero
//    eigenvalues. So the eigenvalues of S1 S2 are the (real, >= 0) eigenvalues of M, the
//    principal square root has eigenvalues sqrt(lambda_i), and
//    tr sqrtm(S1 S2) = sum_i sqrt(lambda_i(M)), computed with two symmetric
//    eigendecompositions (torch::linalg::eigh). Rounding leaves the zero eigenvalues of a
//    singular matrix at +-1e-16 * max; eigenvalues below numpy's matrix_rank tolerance
//    (max * D * machine epsilon) are set to 0 before the square root, so singular
//    covariances (fewer samples than dimensions) give a finite, accurate answer where
//    scipy's sqrtm needs pytorch-fid's eps * I retry.
//  * TraceSqrtProductEig: eigenvalues of the non-symmetric product S1 S2 (linalg::eigvals,
//    complex), sum of their complex square roots, real part: the same identity without
//    symmetry, slower and a little less accurate.
//  * TraceSqrtProductNewtonSchulz: the coupled Newton-Schulz iteration for sqrtm(S1 S2)
//    (matrix products only, as GPU FID code uses); a baseline, slow to converge when the
//    product's eigenvalues span many orders of magnitude, and divergent (after first
//    converging) when the product is singular, where it stops at its smallest step.
//
//   gan::FeatureStatistics real = ..., fake = ...;
//   double fid = gan::FrechetDistance(real.mean(), real.covariance(),
//                                     fake.mean(), fake.covariance());
//
// Like pytorch-fid the result is not clamped: identical inputs can give -1e-12 or so.
// Shape errors throw c10::Error.
#ifndef GAN_METRICS_FID_H_
#define GAN_METRICS_FID_H_

#include <cstdint>

#include <torch/types.h>

namespace gan {

enum class TraceSqrtMethod {
  kSymmetricEigh,  // sum sqrt eig(sqrt(S1) S2 sqrt(S1)), the default
  kEigvals,        // Re sum sqrt eig(S1 S2)
  kNewtonSchulz,   // tr of the Newton-Schulz iterate for sqrtm(S1 S2)
};

// mu: [D]; sigma: [D, D] symmetric PSD; any floating dtype and device (computed in float64
// on sigma1's device).
double FrechetDistance(const torch::Tensor& mu1, const torch::Tensor& sigma1,
                       const torch::Tensor& mu2, const torch::Tensor& sigma2,
                       TraceSqrtMethod method = TraceSqrtMethod::kSymmetricEigh);

// tr sqrtm(S1 S2) by the symmetric form (see above).
double TraceSqrtProduct(const torch::Tensor& sigma1, const torch::Tensor& sigma2);

// tr sqrtm(S1 S2) = Re sum_i sqrt(lambda_i(S1 S2)), eigenvalues from linalg::eigvals.
double TraceSqrtProductEig(const torch::Tensor& sigma1, const torch::Tensor& sigma2);

struct NewtonSchulzOptions {
  int64_t max_iterations = 100;
  // Converged once ||Y_{k+1} - Y_k||_F <= tolerance * ||Y_{k+1}||_F.
  double tolerance = 1e-12;
};

// tr sqrtm(S1 S2) by the coupled Newton-Schulz iteration on A = S1 S2 / ||S1 S2||_F:
//   T = (3I - Z Y) / 2,  Y <- Y T,  Z <- T Z,  Y -> sqrtm(A), Z -> sqrtm(A)^{-1},
// then tr sqrtm(S1 S2) = tr(Y) sqrt(||S1 S2||_F). Stops at the tolerance, or when the
// step grows again after dropping below sqrt(tolerance) (rounding-negative eigenvalues of a
// singular product diverge), keeping the last iterate before that. `iterations`, when not
// null, receives the number of iterations kept.
double TraceSqrtProductNewtonSchulz(const torch::Tensor& sigma1, const torch::Tensor& sigma2,
                                    const NewtonSchulzOptions& options = {},
                                    int64_t* iterations = nullptr);

}  // namespace gan

#endif  // GAN_METRICS_FID_H_
