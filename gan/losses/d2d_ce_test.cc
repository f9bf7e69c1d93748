// D2D-CE against an independent double-precision loop over i and j, against values worked
// out by hand, and against finite differences for its gradients.
#include "gan/losses/d2d_ce.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <torch/utils.h>

namespace gan {
namespace {

using Matrix = std::vector<std::vector<double>>;

Matrix ToMatrix(const torch::Tensor& t) {
  const torch::Tensor d = t.detach().to(torch::kDouble).contiguous();
  Matrix out(d.size(0), std::vector<double>(d.size(1)));
  for (int64_t i = 0; i < d.size(0); ++i) {
    for (int64_t k = 0; k < d.size(1); ++k) out[i][k] = d[i][k].item<double>();
  }
  return out;
}

double Dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t k = 0; k < a.size(); ++k) s += a[k] * b[k];
  return s;
}

// The paper's formula, term by term.
double DirectD2dCe(const Matrix& f, const Matrix& v, const std::vector<int64_t>& y, double m_p,
                   double tau) {
  const double m_n = 1.0 - m_p;
  const size_t n = f.size();
  double total = 0;
  for (size_t i = 0; i < n; ++i) {
    const double positive = std::exp(std::min(Dot(f[i], v[i]) - m_p, 0.0) / tau);
    double negatives = 0;
    for (size_t j = 0; j < n; ++j) {
      if (j == i || y[j] == y[i]) continue;
      negatives += std::exp(std::max(Dot(f[i], f[j]) - m_n, 0.0) / tau);
    }
    total += -std::log(positive / (positive + negatives));
  }
  return total / n;
}

torch::Tensor Normalized(torch::Tensor x) { return x / x.norm(2, 1, true); }

struct Batch {
  torch::Tensor embeddings, proxies, labels;
  std::vector<int64_t> label_values;
};

// N = 7, d = 5, labels with repeats; one proxy per class, so same-class rows share it.
Batch RandomBatch(torch::Dtype dtype = torch::kDouble) {
  torch::manual_seed(11);
  Batch b;
  b.label_values = {0, 1, 0, 2, 1, 3, 0};
  b.labels = torch::tensor(b.label_values, torch::kLong);
  b.embeddings = Normalized(torch::randn({7, 5}, torch::kDouble)).to(dtype);
  const torch::Tensor class_proxies = Normalized(torch::randn({4, 5}, torch::kDouble));
  b.proxies = class_proxies.index_select(0, b.labels).to(dtype);
  return b;
}

TEST(D2dCrossEntropyTest, MatchesDirectLoopForSeveralMarginsAndTemperatures) {
  const Batch b = RandomBatch();
  const Matrix f = ToMatrix(b.embeddings), v = ToMatrix(b.proxies);
  const std::vector<std::pair<double, double>> settings = {
      {0.98, 0.5}, {0.5, 0.1}, {0.0, 1.0}, {0.9, 0.05}, {0.7, 2.0}};
  for (const auto& [margin, temperature] : settings) {
    const double loss =
        D2dCrossEntropy(b.embeddings, b.proxies, b.labels, {margin, temperature}).item<double>();
    const double expected = DirectD2dCe(f, v, b.label_values, margin, temperature);
    EXPECT_NEAR(loss, expected, 1e-6 * std::abs(expected)) << margin << " " << temperature;
    EXPECT_GT(expected, 0.0);
  }
}

TEST(D2dCrossEntropyTest, DefaultsAreStudioGans) {
  const Batch b = RandomBatch();
  const D2dCrossEntropyOptions defaults;
  EXPECT_EQ(defaults.margin, 0.98);
  EXPECT_EQ(defaults.temperature, 0.5);
  const double expected =
      DirectD2dCe(ToMatrix(b.embeddings), ToMatrix(b.proxies), b.label_values, 0.98, 0.5);
  EXPECT_NEAR(D2dCrossEntropy(b.embeddings, b.proxies, b.labels).item<double>(), expected,
              1e-6 * expected);
}

TEST(D2dCrossEntropyTest, FloatInputsWithTinyTemperatureDoNotOverflow) {
  // tau = 0.005 gives negative logits up to 200: e^200 overflows float, logsumexp does not.
  const Batch b = RandomBatch(torch::kFloat);
  const double loss =
      D2dCrossEntropy(b.embeddings, b.proxies, b.labels, {0.0, 0.005}).item<double>();
  const double expected =
      DirectD2dCe(ToMatrix(b.embeddings), ToMatrix(b.proxies), b.label_values, 0.0, 0.005);
  ASSERT_TRUE(std::isfinite(loss));
  EXPECT_NEAR(loss, expected, 1e-4 * expected);
}

TEST(D2dCrossEntropyTest, AllLabelsEqualLeavesOnlyThePositiveTerm) {
  // Every pair is a false negative, so each term is -log(e^P_i / e^P_i) = 0 whatever the
  // positive similarities (P = -1.96, 0, -0.76 here): without negatives D2D-CE gives no
  // signal, neither value nor gradient.
  const torch::Tensor f =
      torch::tensor({1.0, 0.0, 1.0, 0.0, 0.6, 0.8}, torch::kDouble).view({3, 2}).requires_grad_();
  const torch::Tensor v =
      torch::tensor({0.0, 1.0, 1.0, 0.0, 1.0, 0.0}, torch::kDouble).view({3, 2}).requires_grad_();
  const torch::Tensor labels = torch::tensor({4, 4, 4}, torch::kLong);
  const torch::Tensor loss = D2dCrossEntropy(f, v, labels);
  EXPECT_NEAR(loss.item<double>(), 0.0, 1e-12);
  loss.backward();
  EXPECT_NEAR(f.grad().abs().max().item<double>(), 0.0, 1e-12);
  EXPECT_NEAR(v.grad().abs().max().item<double>(), 0.0, 1e-12);
}

TEST(D2dCrossEntropyTest, TwoSamplesByHand) {
  // f1 = (1, 0), f2 = (0.6, 0.8); v1 = (1, 0), v2 = (0, 1); m_p = 0.98, tau = 0.5.
  // f1.f2 = 0.6 -> N = (0.6 - 0.02) / 0.5 = 1.16 both ways.
  // P1 = min(1 - 0.98, 0) / 0.5 = 0;  P2 = (0.8 - 0.98) / 0.5 = -0.36.
  const torch::Tensor f = torch::tensor({1.0, 0.0, 0.6, 0.8}, torch::kDouble).view({2, 2});
  const torch::Tensor v = torch::tensor({1.0, 0.0, 0.0, 1.0}, torch::kDouble).view({2, 2});
  const torch::Tensor labels = torch::tensor({0, 1}, torch::kLong);
  const double l1 = std::log(1.0 + std::exp(1.16));
  const double l2 = std::log(std::exp(-0.36) + std::exp(1.16)) + 0.36;
  EXPECT_NEAR(D2dCrossEntropy(f, v, labels).item<double>(), (l1 + l2) / 2, 1e-12);
  // With equal labels the pair are false negatives of each other and only P remains.
  EXPECT_NEAR(D2dCrossEntropy(f, v, torch::tensor({0, 0}, torch::kLong)).item<double>(), 0.0,
              1e-12);
}

// The authors' implementation (PyTorch-StudioGAN), step by step: similarities with the
// diagonal removed, the row maximum subtracted from the ReLU'd negatives only.
double DirectStudioGanD2dCe(const Matrix& f, const Matrix& v, const std::vector<int64_t>& y,
                            double m_p, double tau) {
  const size_t n = f.size();
  double total = 0;
  for (size_t i = 0; i < n; ++i) {
    double row_max = -INFINITY;
    for (size_t j = 0; j < n; ++j) {
      if (j != i) row_max = std::max(row_max, (Dot(f[i], f[j]) + m_p - 1) / tau);
    }
    const double attraction = std::max((m_p - Dot(f[i], v[i])) / tau, 0.0);
    double repulsion = std::exp(-attraction);
    for (size_t j = 0; j < n; ++j) {
      if (j == i || y[j] == y[i]) continue;
      repulsion += std::exp(std::max((Dot(f[i], f[j]) + m_p - 1) / tau, 0.0) - row_max);
    }
    total += attraction + std::log(repulsion);
  }
  return total / n;
}

TEST(D2dCrossEntropyStudioGanTest, TwoSamplesByHand) {
  // As TwoSamplesByHand: S_12 = S_21 = 1.16 is also each row's maximum, so both negatives
  // become e^0; the attractions are 0 and 0.36.
  const torch::Tensor f = torch::tensor({1.0, 0.0, 0.6, 0.8}, torch::kDouble).view({2, 2});
  const torch::Tensor v = torch::tensor({1.0, 0.0, 0.0, 1.0}, torch::kDouble).view({2, 2});
  const torch::Tensor labels = torch::tensor({0, 1}, torch::kLong);
  D2dCrossEntropyOptions studiogan;
  studiogan.form = D2dCrossEntropyOptions::Form::kStudioGan;
  const double expected = (std::log(2.0) + 0.36 + std::log(std::exp(-0.36) + 1.0)) / 2;
  EXPECT_NEAR(D2dCrossEntropy(f, v, labels, studiogan).item<double>(), expected, 1e-12);
  EXPECT_NEAR(expected, 0.7912, 1e-4);  // the paper's form gives 1.5752 here
}

TEST(D2dCrossEntropyStudioGanTest, MatchesTheReferenceArithmeticOnARandomBatch) {
  const Batch b = RandomBatch();
  for (const auto& [margin, temperature] : {std::pair{0.98, 0.5}, {0.5, 0.1}, {0.9, 0.05}}) {
    D2dCrossEntropyOptions options{margin, temperature, D2dCrossEntropyOptions::Form::kStudioGan};
    const double expected = DirectStudioGanD2dCe(ToMatrix(b.embeddings), ToMatrix(b.proxies),
                                                 b.label_values, margin, temperature);
    EXPECT_NEAR(D2dCrossEntropy(b.embeddings, b.proxies, b.labels, options).item<double>(),
                expected, 1e-10)
        << margin << " " << temperature;
  }
  // One sample: no negatives, only the positive term remains.
  D2dCrossEntropyOptions single{0.98, 0.5, D2dCrossEntropyOptions::Form::kStudioGan};
  EXPECT_NEAR(D2dCrossEntropy(b.embeddings.narrow(0, 0, 1), b.proxies.narrow(0, 0, 1),
                              b.labels.narrow(0, 0, 1), single)
                  .item<double>(),
              0.0, 1e-12);
}

TEST(FalseNegativeMaskTest, MarksOnlyOtherClasses) {
  const torch::Tensor mask = FalseNegativeMask(torch::tensor({0, 1, 0, 2}, torch::kLong));
  const torch::Tensor expected = torch::tensor({0, 1, 0, 1,  //
                                                1, 0, 1, 1,  //
                                                0, 1, 0, 1,  //
                                                1, 1, 1, 0},
                                               torch::kBool)
                                     .view({4, 4});
  ASSERT_EQ(mask.scalar_type(), torch::kBool);
  EXPECT_TRUE(mask.equal(expected)) << mask;
}

TEST(D2dCrossEntropyTest, GradientsMatchFiniteDifferences) {
  const Batch b = RandomBatch();
  const torch::Tensor f = b.embeddings.clone().requires_grad_();
  const torch::Tensor v = b.proxies.clone().requires_grad_();
  const D2dCrossEntropyOptions options{0.5, 0.3};
  D2dCrossEntropy(f, v, b.labels, options).backward();
  ASSERT_TRUE(f.grad().defined());
  ASSERT_TRUE(v.grad().defined());
  EXPECT_GT(f.grad().abs().sum().item<double>(), 0.0);
  EXPECT_GT(v.grad().abs().sum().item<double>(), 0.0);

  const double eps = 1e-6;
  auto numeric = [&](bool perturb_f, int64_t i, int64_t k) {
    Matrix fm = ToMatrix(b.embeddings), vm = ToMatrix(b.proxies);
    Matrix& m = perturb_f ? fm : vm;
    m[i][k] += eps;
    const double up = DirectD2dCe(fm, vm, b.label_values, options.margin, options.temperature);
    m[i][k] -= 2 * eps;
    const double down = DirectD2dCe(fm, vm, b.label_values, options.margin, options.temperature);
    return (up - down) / (2 * eps);
  };
  for (int64_t i : {0, 3, 6}) {
    for (int64_t k : {0, 4}) {
      EXPECT_NEAR(f.grad()[i][k].item<double>(), numeric(true, i, k), 1e-6) << i << "," << k;
      EXPECT_NEAR(v.grad()[i][k].item<double>(), numeric(false, i, k), 1e-6) << i << "," << k;
    }
  }
}

TEST(D2dCrossEntropyTest, RejectsBadShapes) {
  const Batch b = RandomBatch();
  try {
    D2dCrossEntropy(b.embeddings, b.proxies.narrow(0, 0, 6), b.labels);
    FAIL() << "expected a shape error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("proxies must have the embeddings' shape"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(D2dCrossEntropy(b.embeddings, b.proxies, b.labels.narrow(0, 0, 5)), c10::Error);
  EXPECT_THROW(D2dCrossEntropy(b.embeddings.view({-1}), b.proxies.view({-1}), b.labels),
               c10::Error);
  EXPECT_THROW(D2dCrossEntropy(b.embeddings, b.proxies, b.labels.to(torch::kFloat)), c10::Error);
  EXPECT_THROW(D2dCrossEntropy(b.embeddings, b.proxies, b.labels, {0.98, 0.0}), c10::Error);
}

}  // namespace
}  // namespace gan
