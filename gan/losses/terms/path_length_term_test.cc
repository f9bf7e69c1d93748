// Path-length regularization on a generator whose Jacobian is known: images = (sum over
// the ws inputs of w) A, so J^T y = A y for every input and a = ||A y||; value, gradient
// with respect to A, the moving average, the lazy schedule and the checkpointed state.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>
#include <torch/autograd.h>
#include <torch/utils.h>

#include "gan/core/archive_file.h"
#include "gan/losses/terms/loss_term.h"
#include "gan/losses/terms/term_test_networks.h"
#include "gan/networks/style_based_generator.h"

namespace gan {
namespace {

constexpr int64_t kDim = 3, kInputs = 2, kSide = 2;

class SummingStyleGenerator : public StyleBasedGenerator {
 public:
  SummingStyleGenerator() { a = register_parameter("a", torch::randn({kDim, kSide * kSide}, torch::kDouble)); }
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& labels) override {
    return Synthesize(Styles(z, labels), {});
  }
  int64_t latent_dim() const override { return kDim; }
  int64_t image_size() const override { return kSide; }
  int64_t image_channels() const override { return 1; }
  int64_t num_ws() const override { return kInputs; }
  int64_t w_dim() const override { return kDim; }
  torch::Tensor Styles(const torch::Tensor& z, const torch::Tensor&) override {
    return z.unsqueeze(1).expand({-1, kInputs, -1});
  }
  torch::Tensor Synthesize(const torch::Tensor& ws, const std::vector<torch::Tensor>&) override {
    return ws.sum(1).matmul(a).view({-1, 1, kSide, kSide});
  }
  std::vector<torch::Tensor> SampleNoise(int64_t, const torch::Device&) const override { return {}; }
  const torch::Tensor& w_average() const override { return w_average_; }
  torch::Tensor a;
  torch::Tensor w_average_ = torch::zeros({kDim}, torch::kDouble);
};

struct Oracle {
  torch::Tensor penalty;  // with its graph to a
  double mean;
};

// The definition, by hand: a_n = sqrt(mean over inputs of ||A y_n||^2) = ||A y_n||, with y
// drawn as the term draws it (after seeding), for the first n / shrink latents.
Oracle Expected(const torch::Tensor& a, int64_t batch, double previous_mean, uint64_t seed,
                double weight, int64_t interval, double decay, int64_t shrink) {
  torch::manual_seed(seed);
  const int64_t n = batch / shrink;
  const torch::Tensor y = torch::randn({n, 1, kSide, kSide}, torch::kDouble) / std::sqrt(kSide * kSide);
  std::vector<torch::Tensor> lengths;
  for (int64_t i = 0; i < n; ++i) lengths.push_back(a.matmul(y[i].flatten()).norm());
  const torch::Tensor a_n = torch::stack(lengths);
  const torch::Tensor mean = previous_mean + decay * (a_n.mean() - previous_mean);
  return {weight * interval * (a_n - mean).square().mean(), mean.item<double>()};
}

TEST(PathLengthTermTest, ValueGradientAndMovingAverageByHand) {
  torch::manual_seed(1);
  SummingStyleGenerator g;
  LinearCritic d(4, 1);
  const nlohmann::json options = {{"weight", 2.0}, {"interval", 3}, {"decay", 0.25}, {"batch_shrink", 2}};
  absl::StatusOr<NamedLossTerm> term = LossTermByName("path_length", options);
  ASSERT_TRUE(term.ok()) << term.status();
  EXPECT_EQ(term->term->log_name(), "path_length");
  const torch::Tensor latents = torch::randn({6, kDim}, torch::kDouble);
  double mean = 0;
  for (int step_index = 0; step_index < 7; ++step_index) {
    SCOPED_TRACE(step_index);
    StepContext step = StepWithOutput(d, g, {}, {}, {}, {});
    step.set_latents(latents);
    torch::manual_seed(100 + step_index);
    const torch::Tensor penalty = term->term->Generator(step);
    if (step_index % 3 != 0) {
      EXPECT_FALSE(penalty.defined());
      continue;
    }
    ASSERT_TRUE(penalty.defined());
    const Oracle expected = Expected(g.a, 6, mean, 100 + step_index, 2.0, 3, 0.25, 2);
    EXPECT_NEAR(penalty.item<double>(), expected.penalty.item<double>(), 1e-12);
    const torch::Tensor grad = torch::autograd::grad({penalty}, {g.a})[0];
    const torch::Tensor expected_grad = torch::autograd::grad({expected.penalty}, {g.a})[0];
    EXPECT_TRUE(torch::allclose(grad, expected_grad, 1e-10, 1e-12)) << grad << expected_grad;
    EXPECT_GT(grad.abs().sum().item<double>(), 0);
    mean = expected.mean;
  }
  // The moving average and the count travel with checkpoints.
  torch::serialize::OutputArchive out;
  term->term->Save(out, "terms/path_length/");
  torch::serialize::InputArchive in = ReadBackInMemory(out);
  absl::StatusOr<NamedLossTerm> restored = LossTermByName("path_length", options);
  restored->term->Load(in, "terms/path_length/");
  for (int step_index = 7; step_index < 10; ++step_index) {
    StepContext step = StepWithOutput(d, g, {}, {}, {}, {});
    step.set_latents(latents);
    torch::manual_seed(100 + step_index);
    const torch::Tensor penalty = restored->term->Generator(step);
    EXPECT_EQ(penalty.defined(), step_index == 9) << step_index;
    if (penalty.defined()) {
      EXPECT_NEAR(penalty.item<double>(),
                  Expected(g.a, 6, mean, 100 + step_index, 2.0, 3, 0.25, 2).penalty.item<double>(), 1e-12);
    }
  }
}

TEST(PathLengthTermTest, GeneratorsWithoutAStyleSpaceAreRefused) {
  LinearGenerator g(3, 2);
  LinearCritic d(4, 1);
  absl::StatusOr<NamedLossTerm> term = LossTermByName("path_length", nlohmann::json::object());
  ASSERT_TRUE(term.ok());
  StepContext step = StepWithOutput(d, g, {}, {}, {}, {});
  step.set_latents(torch::randn({4, 3}, torch::kDouble));
  try {
    term->term->Generator(step);
    FAIL() << "expected an error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("terms.path_length"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(LossTermByName("path_length", {{"decay", 0.0}}).ok());
  EXPECT_FALSE(LossTermByName("path_length", {{"batch_shrink", 0}}).ok());
}

}  // namespace
}  // namespace gan
