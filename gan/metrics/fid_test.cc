// Fréchet distance against closed forms, against an independent Denman-Beavers matrix
// square root (standing in for scipy.linalg.sqrtm, which pytorch-fid uses), across the
// three tr sqrtm(S1 S2) methods, and on singular covariances.
#include "gan/metrics/fid.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>
#include <torch/utils.h>

namespace gan {
namespace {

constexpr TraceSqrtMethod kAllMethods[] = {TraceSqrtMethod::kSymmetricEigh,
                                           TraceSqrtMethod::kEigvals,
                                           TraceSqrtMethod::kNewtonSchulz};

torch::Tensor Diag(std::initializer_list<double> values) {
  return torch::diag(torch::tensor(std::vector<double>(values), torch::kDouble));
}

// Denman-Beavers: Y0 = A, Z0 = I, Y <- (Y + Z^-1) / 2, Z <- (Z + Y^-1) / 2 (both from the
// old pair); Y -> sqrtm(A) for A without eigenvalues on the closed negative real axis.
// Convergence is quadratic, so two more steps after a 1e-10 step reach rounding level.
torch::Tensor DenmanBeaversSqrtm(const torch::Tensor& a, int* iterations) {
  torch::Tensor y = a.clone();
  torch::Tensor z = torch::eye(a.size(0), a.options());
  int extra = -1;
  for (*iterations = 1; *iterations <= 200 && extra != 0; ++*iterations) {
    const torch::Tensor next_y = 0.5 * (y + torch::inverse(z));
    const torch::Tensor next_z = 0.5 * (z + torch::inverse(y));
    const double change = (next_y - y).norm().item<double>();
    y = next_y;
    z = next_z;
    if (extra > 0) --extra;
    if (extra < 0 && change <= 1e-10 * y.norm().item<double>()) extra = 2;
  }
  return y;
}

// The FID formula with the reference square root, as pytorch-fid writes it.
double ReferenceFid(const torch::Tensor& mu1, const torch::Tensor& s1, const torch::Tensor& mu2,
                    const torch::Tensor& s2) {
  int iterations = 0;
  const torch::Tensor root = DenmanBeaversSqrtm(torch::mm(s1, s2), &iterations);
  EXPECT_LT(iterations, 200) << "Denman-Beavers did not converge";
  // The root of the product satisfies root * root = S1 S2.
  const torch::Tensor product = torch::mm(s1, s2);
  EXPECT_LE((torch::mm(root, root) - product).norm().item<double>(),
            1e-10 * product.norm().item<double>());
  const torch::Tensor diff = mu1 - mu2;
  return diff.dot(diff).item<double>() + s1.trace().item<double>() + s2.trace().item<double>() -
         2.0 * root.trace().item<double>();
}

TEST(FrechetDistanceTest, UnitMeanShiftIn2048Dimensions) {
  // ||0 - 1||^2 = 2048, tr I + tr I - 2 tr sqrt(I I) = 0.
  const int64_t d = 2048;
  const torch::Tensor eye = torch::eye(d, torch::kDouble);
  const double fid = FrechetDistance(torch::zeros({d}, torch::kDouble), eye,
                                     torch::ones({d}, torch::kDouble), eye);
  EXPECT_NEAR(fid, 2048.0, 1e-9);
}

TEST(FrechetDistanceTest, DiagonalCovariances) {
  // ||(1,1)||^2 = 2; tr = 5 + 13; S1 S2 = diag(4, 36), tr sqrt = 2 + 6 = 8:
  // 2 + 18 - 16 = 4.
  const torch::Tensor mu1 = torch::tensor({0.0, 0.0}, torch::kDouble);
  const torch::Tensor mu2 = torch::tensor({1.0, 1.0}, torch::kDouble);
  for (TraceSqrtMethod method : kAllMethods) {
    EXPECT_NEAR(FrechetDistance(mu1, Diag({1, 4}), mu2, Diag({4, 9}), method), 4.0, 1e-12)
        << static_cast<int>(method);
  }
}

TEST(FrechetDistanceTest, NonCommutingTwoByTwo) {
  // S1 = [[2,1],[1,2]], S2 = diag(1,3): S1 S2 = [[2,3],[1,6]], trace 8, det 9, so its
  // eigenvalues are 4 +- sqrt(7) and (sqrt(4+sqrt7) + sqrt(4-sqrt7))^2 = 8 + 2*3 = 14:
  // FID = 4 + 4 - 2 sqrt(14).
  const torch::Tensor s1 = torch::tensor({2.0, 1.0, 1.0, 2.0}, torch::kDouble).view({2, 2});
  const torch::Tensor mu = torch::tensor({0.5, -1.5}, torch::kDouble);
  const double expected = 8.0 - 2.0 * std::sqrt(14.0);
  for (TraceSqrtMethod method : kAllMethods) {
    EXPECT_NEAR(FrechetDistance(mu, s1, mu, Diag({1, 3}), method), expected, 1e-12)
        << static_cast<int>(method);
  }
  EXPECT_NEAR(TraceSqrtProduct(s1, Diag({1, 3})), std::sqrt(14.0), 1e-13);
  EXPECT_NEAR(TraceSqrtProduct(Diag({1, 3}), s1), std::sqrt(14.0), 1e-13);
}

struct RandomGaussians {
  torch::Tensor mu1, s1, mu2, s2;
};

// Covariances of random correlated features: SPD, not commuting, eigenvalues spread.
RandomGaussians MakeRandomGaussians(int64_t d, int64_t n1, int64_t n2) {
  torch::manual_seed(2017);
  const torch::Tensor mix = torch::randn({d, d}, torch::kDouble) / std::sqrt(double(d));
  const torch::Tensor x1 = torch::randn({n1, d}, torch::kDouble);
  const torch::Tensor x2 = torch::mm(torch::randn({n2, d}, torch::kDouble), mix) * 1.5 + 0.3;
  return {x1.mean(0), torch::cov(x1.t()), x2.mean(0), torch::cov(x2.t())};
}

TEST(FrechetDistanceTest, MatchesDenmanBeaversReferenceOnRandomSpd) {
  const RandomGaussians g = MakeRandomGaussians(64, 300, 500);
  const double reference = ReferenceFid(g.mu1, g.s1, g.mu2, g.s2);
  ASSERT_GT(reference, 1.0);
  for (TraceSqrtMethod method : kAllMethods) {
    const double fid = FrechetDistance(g.mu1, g.s1, g.mu2, g.s2, method);
    EXPECT_NEAR(fid, reference, 1e-6 * reference) << static_cast<int>(method);
  }
  // The trace term alone, where the methods differ.
  int iterations = 0;
  const double trace_reference =
      DenmanBeaversSqrtm(torch::mm(g.s1, g.s2), &iterations).trace().item<double>();
  EXPECT_NEAR(TraceSqrtProduct(g.s1, g.s2), trace_reference, 1e-9 * trace_reference);
  EXPECT_NEAR(TraceSqrtProductEig(g.s1, g.s2), trace_reference, 1e-9 * trace_reference);
  int64_t newton_schulz_iterations = 0;
  EXPECT_NEAR(TraceSqrtProductNewtonSchulz(g.s1, g.s2, {}, &newton_schulz_iterations),
              trace_reference, 1e-9 * trace_reference);
  EXPECT_LT(newton_schulz_iterations, 100);
}

TEST(FrechetDistanceTest, FloatInputsAreComputedInDouble) {
  const RandomGaussians g = MakeRandomGaussians(16, 100, 120);
  const double fid = FrechetDistance(g.mu1.to(torch::kFloat), g.s1.to(torch::kFloat),
                                     g.mu2.to(torch::kFloat), g.s2.to(torch::kFloat));
  // The float-rounded inputs, evaluated exactly in double by the reference.
  const double reference = ReferenceFid(
      g.mu1.to(torch::kFloat).to(torch::kDouble), g.s1.to(torch::kFloat).to(torch::kDouble),
      g.mu2.to(torch::kFloat).to(torch::kDouble), g.s2.to(torch::kFloat).to(torch::kDouble));
  EXPECT_NEAR(fid, reference, 1e-9 * reference);
}

TEST(FrechetDistanceTest, ClosedFormsOnRandomSpd) {
  const RandomGaussians g = MakeRandomGaussians(32, 200, 200);
  const torch::Tensor diff = g.mu1 - g.mu2;
  const double mean_term = diff.dot(diff).item<double>();
  const double trace = g.s1.trace().item<double>();
  for (TraceSqrtMethod method : kAllMethods) {
    // Equal covariances: only the means differ (tr sqrt(S S) = tr S).
    EXPECT_NEAR(FrechetDistance(g.mu1, g.s1, g.mu2, g.s1, method), mean_term,
                1e-9 * (mean_term + trace))
        << static_cast<int>(method);
    // S2 = c^2 S1: tr sqrt(S1 S2) = c tr S1, so FID = ||d||^2 + (1 - c)^2 tr S1.
    const double c = 1.7;
    EXPECT_NEAR(FrechetDistance(g.mu1, g.s1, g.mu2, g.s1 * (c * c), method),
                mean_term + (1 - c) * (1 - c) * trace, 1e-9 * (mean_term + trace))
        << static_cast<int>(method);
  }
}

TEST(FrechetDistanceTest, SingularCovariancesStayFinite) {
  // 10 samples in 32 dimensions: both covariances have rank <= 9, so sqrtm(S1 S2) is
  // singular (pytorch-fid would retry with eps * I); the eigenvalue forms clamp.
  torch::manual_seed(9);
  const torch::Tensor x1 = torch::randn({10, 32}, torch::kDouble);
  const torch::Tensor x2 = torch::randn({10, 32}, torch::kDouble) * 2.0 + 0.1;
  const torch::Tensor s1 = torch::cov(x1.t()), s2 = torch::cov(x2.t());
  const torch::Tensor mu1 = x1.mean(0), mu2 = x2.mean(0);
  const double fid = FrechetDistance(mu1, s1, mu2, s2);
  ASSERT_TRUE(std::isfinite(fid));
  EXPECT_GT(fid, 0.0);
  const double eig = FrechetDistance(mu1, s1, mu2, s2, TraceSqrtMethod::kEigvals);
  const double newton_schulz = FrechetDistance(mu1, s1, mu2, s2, TraceSqrtMethod::kNewtonSchulz);
  ASSERT_TRUE(std::isfinite(eig));
  ASSERT_TRUE(std::isfinite(newton_schulz));
  EXPECT_NEAR(eig, fid, 1e-6 * fid);
  EXPECT_NEAR(newton_schulz, fid, 1e-6 * fid);

  // A rank-deficient set against itself is ~0, not NaN.
  const double self = FrechetDistance(mu1, s1, mu1, s1);
  ASSERT_TRUE(std::isfinite(self));
  EXPECT_NEAR(self, 0.0, 1e-9 * s1.trace().item<double>());
  // All-zero covariances (every sample equal).
  const torch::Tensor zero = torch::zeros({4, 4}, torch::kDouble);
  for (TraceSqrtMethod method : kAllMethods) {
    EXPECT_EQ(FrechetDistance(torch::zeros({4}), zero, torch::ones({4}), zero, method), 4.0);
  }
}

TEST(FrechetDistanceTest, RejectsBadShapes) {
  const torch::Tensor eye = torch::eye(3, torch::kDouble);
  const torch::Tensor mu = torch::zeros({3}, torch::kDouble);
  try {
    FrechetDistance(torch::zeros({4}), eye, mu, eye);
    FAIL() << "expected a shape error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("mu1 must be [3]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(FrechetDistance(mu, eye, mu, torch::eye(4, torch::kDouble)), c10::Error);
  EXPECT_THROW(FrechetDistance(mu, torch::zeros({3, 2}), mu, eye), c10::Error);
  EXPECT_THROW(TraceSqrtProduct(eye, torch::eye(3, torch::kLong)), c10::Error);
  EXPECT_THROW(TraceSqrtProductNewtonSchulz(eye, eye, {0, 1e-12}), c10::Error);
}

}  // namespace
}  // namespace gan
