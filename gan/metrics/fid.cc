#include "gan/metrics/fid.h"

#include <cmath>
#include <limits>
#include <utility>

#include <torch/utils.h>

namespace gan {
namespace {

void CheckCovariance(const torch::Tensor& sigma, const char* name, const char* caller) {
  TORCH_CHECK(sigma.defined(), caller, ": ", name, " is undefined");
  TORCH_CHECK(sigma.dim() == 2 && sigma.size(0) == sigma.size(1) && sigma.size(0) > 0, caller,
              ": ", name, " must be a square [D, D] matrix, got ", sigma.sizes());
  TORCH_CHECK(at::isFloatingType(sigma.scalar_type()), caller, ": ", name,
              " must be floating point, got ", sigma.scalar_type());
}

// Both covariances as float64 on sigma1's device, exactly symmetric.
std::pair<torch::Tensor, torch::Tensor> PrepareCovariances(const torch::Tensor& sigma1,
                                                           const torch::Tensor& sigma2,
                                                           const char* caller) {
  CheckCovariance(sigma1, "sigma1", caller);
  CheckCovariance(sigma2, "sigma2", caller);
  TORCH_CHECK(sigma1.sizes() == sigma2.sizes(), caller,
              ": sigma1 and sigma2 must have the same shape, got ", sigma1.sizes(), " and ",
              sigma2.sizes());
  const torch::Tensor s1 = sigma1.detach().to(torch::kDouble);
  const torch::Tensor s2 = sigma2.detach().to(s1.device(), torch::kDouble);
  return {(s1 + s1.t()) * 0.5, (s2 + s2.t()) * 0.5};
}

// Eigenvalues of a symmetric PSD matrix with rounding noise removed: values at or below
// numpy.linalg.matrix_rank's tolerance, max(w) * D * machine epsilon, become 0. Their
// square roots would otherwise add about sqrt(noise) each (1e-7 relative for a singular
// covariance), while a true eigenvalue that small is below what eigh can resolve anyway.
torch::Tensor DenoisedEigenvalues(const torch::Tensor& w) {
  const double tolerance = w.max().item<double>() * static_cast<double>(w.size(0)) *
                           std::numeric_limits<double>::epsilon();
  return torch::where(w > tolerance, w, torch::zeros_like(w));
}

}  // namespace

double TraceSqrtProduct(const torch::Tensor& sigma1, const torch::Tensor& sigma2) {
  torch::NoGradGuard no_grad;
  const auto [s1, s2] = PrepareCovariances(sigma1, sigma2, "TraceSqrtProduct");
  // sqrt(S1) = V diag(sqrt(max(w, 0))) V^T.
  const auto [w, v] = torch::linalg_eigh(s1, "L");
  const torch::Tensor root = torch::mm(v * DenoisedEigenvalues(w).sqrt().unsqueeze(0), v.t());
  torch::Tensor m = torch::mm(torch::mm(root, s2), root);
  m = (m + m.t()) * 0.5;
  return DenoisedEigenvalues(torch::linalg_eigvalsh(m, "L")).sqrt().sum().item<double>();
}

double TraceSqrtProductEig(const torch::Tensor& sigma1, const torch::Tensor& sigma2) {
  torch::NoGradGuard no_grad;
  const auto [s1, s2] = PrepareCovariances(sigma1, sigma2, "TraceSqrtProductEig");
  // Principal complex square roots: a rounding-negative eigenvalue -e gives i sqrt(e),
  // which adds nothing to the real part.
  const torch::Tensor eigenvalues = torch::linalg_eigvals(torch::mm(s1, s2));
  return torch::real(eigenvalues.sqrt().sum()).item<double>();
}

double TraceSqrtProductNewtonSchulz(const torch::Tensor& sigma1, const torch::Tensor& sigma2,
                                    const NewtonSchulzOptions& options, int64_t* iterations) {
  torch::NoGradGuard no_grad;
  const auto [s1, s2] = PrepareCovariances(sigma1, sigma2, "TraceSqrtProductNewtonSchulz");
  TORCH_CHECK(options.max_iterations >= 1,
              "TraceSqrtProductNewtonSchulz: max_iterations must be >= 1, got ",
              options.max_iterations);
  const torch::Tensor a = torch::mm(s1, s2);
  const double norm = a.norm().item<double>();
  if (iterations != nullptr) *iterations = 0;
  if (norm == 0.0) return 0.0;
  const torch::Tensor identity = torch::eye(a.size(0), a.options());
  torch::Tensor y = a / norm;
  torch::Tensor z = identity;
  double previous_change = std::numeric_limits<double>::infinity();
  for (int64_t k = 1; k <= options.max_iterations; ++k) {
    const torch::Tensor t = (3.0 * identity - torch::mm(z, y)) * 0.5;
    const torch::Tensor next_y = torch::mm(y, t);
    const double size = next_y.norm().item<double>();
    const double change = (next_y - y).norm().item<double>() / size;
    // Once converged to ~sqrt(tolerance), a growing step means rounding-negative eigenvalues
    // of a singular product have started to diverge (Z grows like their inverse square
    // root): keep the last good iterate.
    if (!std::isfinite(change) ||
        (change > previous_change && previous_change <= std::sqrt(options.tolerance))) {
      break;
    }
    y = next_y;
    z = torch::mm(t, z);
    previous_change = change;
    if (iterations != nullptr) *iterations = k;
    if (change <= options.tolerance) break;
  }
  return y.trace().item<double>() * std::sqrt(norm);
}

double FrechetDistance(const torch::Tensor& mu1, const torch::Tensor& sigma1,
                       const torch::Tensor& mu2, const torch::Tensor& sigma2,
                       TraceSqrtMethod method) {
  torch::NoGradGuard no_grad;
  CheckCovariance(sigma1, "sigma1", "FrechetDistance");
  const int64_t d = sigma1.size(0);
  for (const auto& [mu, name] : {std::make_pair(mu1, "mu1"), std::make_pair(mu2, "mu2")}) {
    TORCH_CHECK(mu.defined() && mu.dim() == 1 && mu.size(0) == d, "FrechetDistance: ", name,
                " must be [", d, "] to match sigma1 ", sigma1.sizes(), ", got ",
                mu.defined() ? mu.sizes() : at::IntArrayRef{});
    TORCH_CHECK(at::isFloatingType(mu.scalar_type()), "FrechetDistance: ", name,
                " must be floating point, got ", mu.scalar_type());
  }
  const auto [s1, s2] = PrepareCovariances(sigma1, sigma2, "FrechetDistance");
  const torch::Tensor diff =
      mu1.detach().to(s1.device(), torch::kDouble) - mu2.detach().to(s1.device(), torch::kDouble);
  double trace_sqrt = 0.0;
  switch (method) {
    case TraceSqrtMethod::kSymmetricEigh:
      trace_sqrt = TraceSqrtProduct(s1, s2);
      break;
    case TraceSqrtMethod::kEigvals:
      trace_sqrt = TraceSqrtProductEig(s1, s2);
      break;
    case TraceSqrtMethod::kNewtonSchulz:
      trace_sqrt = TraceSqrtProductNewtonSchulz(s1, s2);
      break;
  }
  return diff.dot(diff).item<double>() + s1.trace().item<double>() +
         s2.trace().item<double>() - 2.0 * trace_sqrt;
}

}  // namespace gan
