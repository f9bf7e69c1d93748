// Prints the Fréchet distance (the FID formula, Heusel et al. 2017) between two Gaussians
// whose value is known by hand: means 0 and (1, 2), covariances diag(1, 4) and diag(4, 1),
// so |mu1 - mu2|^2 = 5 and tr(S1 + S2 - 2 sqrt(S1 S2)) = 10 - 2 (2 + 2) = 2.
#include <cmath>
#include <cstdio>

#include "gan/metrics/fid.h"

int main() {
  const torch::Tensor mu1 = torch::zeros({2}, torch::kFloat64);
  const torch::Tensor mu2 = torch::tensor({1.0, 2.0}, torch::kFloat64);
  const torch::Tensor sigma1 = torch::diag(torch::tensor({1.0, 4.0}, torch::kFloat64));
  const torch::Tensor sigma2 = torch::diag(torch::tensor({4.0, 1.0}, torch::kFloat64));
  const double distance = gan::FrechetDistance(mu1, sigma1, mu2, sigma2);
  std::printf("Frechet distance %.6f (expected 7)\n", distance);
  return std::abs(distance - 7.0) < 1e-9 ? 0 : 1;
}
