#include "gan/metrics/kid.h"

#include <algorithm>
#include <cmath>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/utils.h>

#include "gan/metrics/feature_checks.h"

namespace gan {
namespace {

void CheckKidFeatures(const torch::Tensor& t, const char* name, const char* caller) {
  CheckFeatures(t, name, caller);
  TORCH_CHECK(t.size(0) >= 2, caller, ": the unbiased estimate needs at least 2 ", name,
              " samples, got ", t.size(0));
}

// Sum of a square matrix without its diagonal.
double OffDiagonalSum(const torch::Tensor& k) {
  return k.sum().item<double>() - k.diagonal().sum().item<double>();
}

double Mmd2OfDoubles(const torch::Tensor& x, const torch::Tensor& y) {
  const double m = static_cast<double>(x.size(0));
  const double n = static_cast<double>(y.size(0));
  return OffDiagonalSum(CubicPolynomialKernel(x, x)) / (m * (m - 1)) +
         OffDiagonalSum(CubicPolynomialKernel(y, y)) / (n * (n - 1)) -
         2.0 * CubicPolynomialKernel(x, y).sum().item<double>() / (m * n);
}

}  // namespace

torch::Tensor CubicPolynomialKernel(const torch::Tensor& x, const torch::Tensor& y) {
  TORCH_CHECK(x.dim() == 2 && y.dim() == 2 && x.size(1) == y.size(1),
              "CubicPolynomialKernel: x and y must be [m, d] and [n, d], got ", x.sizes(), " and ",
              y.sizes());
  const torch::Tensor xd = x.to(torch::kDouble);
  const torch::Tensor yd = y.to(xd.device(), torch::kDouble);
  return (torch::mm(xd, yd.t()) / static_cast<double>(x.size(1)) + 1.0).pow(3);
}

double UnbiasedPolynomialMmd2(const torch::Tensor& x, const torch::Tensor& y) {
  CheckKidFeatures(x, "x", "UnbiasedPolynomialMmd2");
  CheckKidFeatures(y, "y", "UnbiasedPolynomialMmd2");
  TORCH_CHECK(x.size(1) == y.size(1), "UnbiasedPolynomialMmd2: x and y must have the same width, got ",
              x.sizes(), " and ", y.sizes());
  torch::NoGradGuard no_grad;
  return Mmd2OfDoubles(x.detach().to(torch::kDouble), y.detach().to(x.device(), torch::kDouble));
}

KernelInceptionDistanceResult KernelInceptionDistance(
    const torch::Tensor& real, const torch::Tensor& fake,
    const KernelInceptionDistanceOptions& options) {
  CheckKidFeatures(real, "real", "KernelInceptionDistance");
  CheckKidFeatures(fake, "fake", "KernelInceptionDistance");
  TORCH_CHECK(real.size(1) == fake.size(1),
              "KernelInceptionDistance: real and fake features must have the same width, got ",
              real.sizes(), " and ", fake.sizes());
  TORCH_CHECK(options.subsets >= 1, "KernelInceptionDistance: subsets must be >= 1, got ",
              options.subsets);
  TORCH_CHECK(options.subset_size >= 2,
              "KernelInceptionDistance: subset_size must be >= 2, got ", options.subset_size);
  torch::NoGradGuard no_grad;
  const torch::Tensor x = real.detach().to(torch::kDouble);
  const torch::Tensor y = fake.detach().to(x.device(), torch::kDouble);
  KernelInceptionDistanceResult result;
  result.subset_size = std::min({options.subset_size, x.size(0), y.size(0)});
  at::Generator generator = at::detail::createCPUGenerator(options.seed);
  const auto long_options = torch::TensorOptions().dtype(torch::kLong);
  for (int64_t s = 0; s < options.subsets; ++s) {
    const torch::Tensor real_rows =
        torch::randperm(x.size(0), generator, long_options).narrow(0, 0, result.subset_size);
    const torch::Tensor fake_rows =
        torch::randperm(y.size(0), generator, long_options).narrow(0, 0, result.subset_size);
    result.subset_values.push_back(Mmd2OfDoubles(x.index_select(0, real_rows.to(x.device())),
                                                 y.index_select(0, fake_rows.to(y.device()))));
  }
  double sum = 0;
  for (double v : result.subset_values) sum += v;
  result.mean = sum / static_cast<double>(options.subsets);
  double squares = 0;
  for (double v : result.subset_values) squares += (v - result.mean) * (v - result.mean);
  result.std = std::sqrt(squares / static_cast<double>(options.subsets));
  return result;
}

}  // namespace gan
