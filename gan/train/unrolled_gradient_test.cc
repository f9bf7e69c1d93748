// The gradient through unrolled descent steps against closed forms worked by hand.
#include "gan/train/unrolled_gradient.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>
#include <torch/autograd.h>
#include <torch/utils.h>

namespace gan {
namespace {

torch::Tensor Scalar(double value) {
  return torch::full({}, value, torch::kDouble).requires_grad_(true);
}

// Runs the K steps forward, recording theta_k, and returns F's gradient through them for
// F = c * theta_K (v = c).
double ThroughSteps(double theta0, double phi0, int steps, double lr, double c,
                    const std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&)>& loss) {
  torch::Tensor theta = Scalar(theta0), phi = Scalar(phi0);
  std::vector<double> start;
  for (int k = 0; k < steps; ++k) {
    start.push_back(theta.item<double>());
    const torch::Tensor g = torch::autograd::grad({loss(theta, phi)}, {theta})[0];
    torch::NoGradGuard no_grad;
    theta.sub_(lr * g);
  }
  const std::vector<torch::Tensor> gradient = GradientThroughDescentSteps(
      {theta}, {phi}, steps, lr, {torch::full({}, c, torch::kDouble)}, [&](int k) {
        {
          torch::NoGradGuard no_grad;
          theta.fill_(start[k]);
        }
        return loss(theta, phi);
      });
  EXPECT_DOUBLE_EQ(theta.item<double>(), theta0);  // left at theta_0
  return gradient[0].item<double>();
}

TEST(UnrolledGradientTest, QuadraticPullTowardsPhiByHand) {
  // L = (theta - phi)^2 / 2: theta_{k+1} = (1 - lr) theta_k + lr phi, so
  // theta_K = (1 - lr)^K theta_0 + (1 - (1 - lr)^K) phi and dF/dphi = c (1 - (1 - lr)^K).
  // (Without the v update it would be K lr c; first-order unrolling gives 0.)
  const auto loss = [](const torch::Tensor& theta, const torch::Tensor& phi) {
    return (theta - phi).pow(2) / 2;
  };
  for (int steps : {1, 2, 5}) {
    const double expected = 3.0 * (1 - std::pow(1 - 0.3, steps));
    EXPECT_NEAR(ThroughSteps(0.7, -1.2, steps, 0.3, 3.0, loss), expected, 1e-12) << steps;
  }
}

TEST(UnrolledGradientTest, ProductOfThetaAndPhiByHand) {
  // L = theta^2 phi^2 / 2: theta_{k+1} = theta_k (1 - lr phi^2), theta_K = theta_0 q^K with
  // q = 1 - lr phi^2, so dtheta_K/dphi = theta_0 K q^(K-1) (-2 lr phi).
  const auto loss = [](const torch::Tensor& theta, const torch::Tensor& phi) {
    return theta.pow(2) * phi.pow(2) / 2;
  };
  const double theta0 = 1.5, phi = 0.8, lr = 0.2;
  const double q = 1 - lr * phi * phi;
  for (int steps : {1, 3}) {
    const double expected = 2.0 * theta0 * steps * std::pow(q, steps - 1) * (-2 * lr * phi);
    EXPECT_NEAR(ThroughSteps(theta0, phi, steps, lr, 2.0, loss), expected, 1e-12) << steps;
  }
}

TEST(UnrolledGradientTest, StepsNotTakenAreSkipped) {
  torch::Tensor theta = Scalar(1.0), phi = Scalar(2.0);
  const std::vector<torch::Tensor> gradient = GradientThroughDescentSteps(
      {theta}, {phi}, 2, 0.5, {torch::ones({}, torch::kDouble)}, [&](int k) {
        return k == 0 ? (theta - phi).pow(2) / 2 : torch::Tensor();
      });
  EXPECT_DOUBLE_EQ(gradient[0].item<double>(), 0.5);  // one step: lr * v
}

}  // namespace
}  // namespace gan
