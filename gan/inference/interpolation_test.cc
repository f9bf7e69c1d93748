#include "gan/inference/interpolation.h"

#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace gan {
namespace {

TEST(InterpolationTest, SphericalHalfwayBetweenOrthogonalUnitVectorsByHand) {
  const torch::Tensor a = torch::tensor({{1.0, 0.0}}), b = torch::tensor({{0.0, 1.0}});
  // w = pi/2: sin(pi/4) / sin(pi/2) = 1/sqrt(2) on each; the straight line's is 1/2.
  const double h = 1 / std::sqrt(2.0);
  EXPECT_TRUE(torch::allclose(Interpolate(a, b, 0.5, Interpolation::kSpherical),
                              torch::tensor({{h, h}}), 0, 1e-6));
  EXPECT_TRUE(torch::allclose(Interpolate(a, b, 0.5, Interpolation::kLinear),
                              torch::tensor({{0.5, 0.5}}), 0, 1e-7));
  // A third of the way: (cos(pi/6), sin(pi/6)).
  EXPECT_TRUE(torch::allclose(Interpolate(a, b, 1.0 / 3, Interpolation::kSpherical),
                              torch::tensor({{std::cos(M_PI / 6), std::sin(M_PI / 6)}}), 0, 1e-6));
}

TEST(InterpolationTest, SphericalKeepsTheNormOfEqualNormRowsAndHitsTheEnds) {
  torch::manual_seed(0);
  torch::Tensor a = torch::randn({4, 16}), b = torch::randn({4, 16});
  b = b / b.norm(2, 1, true) * a.norm(2, 1, true);
  const torch::Tensor path = InterpolateLatents(a, b, 5, Interpolation::kSpherical).view({4, 5, 16});
  EXPECT_TRUE(torch::allclose(path.select(1, 0), a, 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(path.select(1, 4), b, 1e-5, 1e-6));
  const torch::Tensor norms = path.norm(2, 2);
  EXPECT_TRUE(torch::allclose(norms, a.norm(2, 1, true).expand({4, 5}), 1e-5, 1e-5)) << norms;
  // The straight line dips below in the middle.
  const torch::Tensor line = InterpolateLatents(a, b, 5, Interpolation::kLinear).view({4, 5, 16});
  EXPECT_TRUE((line.select(1, 2).norm(2, 1) < a.norm(2, 1) * 0.99).all().item<bool>());
}

TEST(InterpolationTest, ParallelRowsFallBackToTheLineAndNamesParse) {
  const torch::Tensor a = torch::tensor({{1.0, 2.0}}), b = torch::tensor({{2.0, 4.0}});
  const torch::Tensor mid = Interpolate(a, b, 0.5, Interpolation::kSpherical);
  EXPECT_TRUE(torch::isfinite(mid).all().item<bool>());
  EXPECT_TRUE(torch::allclose(mid, torch::tensor({{1.5, 3.0}}), 0, 1e-6));
  EXPECT_EQ(*ParseInterpolation("spherical"), Interpolation::kSpherical);
  EXPECT_EQ(ParseInterpolation("slerp").status().message(),
            "interpolation 'slerp' is not one of: linear, spherical");
}

}  // namespace
}  // namespace gan
