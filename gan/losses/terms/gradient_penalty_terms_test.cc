#include <gtest/gtest.h>

#include "gan/core/archive_file.h"
#include "gan/losses/terms/loss_term.h"
#include "gan/losses/terms/term_test_networks.h"

namespace gan {
namespace {

class GradientPenaltyTermsTest : public ::testing::Test {
 protected:
  GradientPenaltyTermsTest() : d(12, 3), g(4, 2) {
    torch::manual_seed(0);
    d.w.data().copy_(torch::randn({12}, torch::kDouble));
    d.e.data().copy_(torch::randn({3, 12}, torch::kDouble));
    // With labels the gradient of D at any x is w + e_y: the norms are known exactly.
    norms = (d.w.detach().unsqueeze(0) + d.e.detach().index_select(0, labels)).norm(2, 1);
  }

  torch::Tensor Penalty(const std::string& name, const nlohmann::json& options) {
    absl::StatusOr<NamedLossTerm> term = LossTermByName(name, options);
    EXPECT_TRUE(term.ok()) << term.status();
    StepContext step = StepWithOutput(d, g, real, fakes, labels, {});
    EXPECT_FALSE(term->term->Generator(step).defined()) << name << " is a D term";
    EXPECT_EQ(term->term->log_name(), "penalty");
    return term->term->Discriminator(step);
  }

  LinearCritic d;
  LinearGenerator g;
  torch::Tensor real = torch::randn({5, 3, 2, 2}, torch::kDouble);
  torch::Tensor fakes = torch::randn({5, 3, 2, 2}, torch::kDouble);
  torch::Tensor labels = torch::tensor({0, 2, 1, 2, 0}, torch::kLong);
  torch::Tensor norms;
};

TEST_F(GradientPenaltyTermsTest, PenalizeTheCriticsGradientWithTheBatchsLabels) {
  const double one_sided = (norms - 1).pow(2).mean().item<double>();
  EXPECT_NEAR(Penalty("wgan_gp", {{"weight", 3.0}}).item<double>(), 3 * one_sided, 1e-10);
  EXPECT_NEAR(Penalty("dragan", {{"weight", 3.0}}).item<double>(), 3 * one_sided, 1e-10);
  EXPECT_NEAR(Penalty("r1", {{"weight", 3.0}}).item<double>(),
              1.5 * norms.pow(2).mean().item<double>(), 1e-10);
}

TEST_F(GradientPenaltyTermsTest, LazyR1AppliesOnEveryNthStepWithTheWeightTimesN) {
  absl::StatusOr<NamedLossTerm> term = LossTermByName("r1", {{"weight", 3.0}, {"interval", 4}});
  ASSERT_TRUE(term.ok()) << term.status();
  EXPECT_TRUE(term->term->needs_whole_batch());
  const double every_step = 1.5 * norms.pow(2).mean().item<double>();  // gamma / 2 E||grad||^2
  for (int step_index = 0; step_index < 9; ++step_index) {
    StepContext step = StepWithOutput(d, g, real, fakes, labels, {});
    const torch::Tensor penalty = term->term->Discriminator(step);
    SCOPED_TRACE(step_index);
    if (step_index % 4 == 0) {
      ASSERT_TRUE(penalty.defined());
      EXPECT_NEAR(penalty.item<double>(), 4 * every_step, 1e-10);
    } else {
      EXPECT_FALSE(penalty.defined());
    }
  }
  // The count travels with checkpoints: a term restored after 9 steps is due at step 12.
  torch::serialize::OutputArchive out;
  term->term->Save(out, "terms/r1/");
  torch::serialize::InputArchive in = ReadBackInMemory(out);
  absl::StatusOr<NamedLossTerm> restored = LossTermByName("r1", {{"weight", 3.0}, {"interval", 4}});
  restored->term->Load(in, "terms/r1/");
  for (int step_index = 9; step_index < 13; ++step_index) {
    StepContext step = StepWithOutput(d, g, real, fakes, labels, {});
    EXPECT_EQ(restored->term->Discriminator(step).defined(), step_index == 12) << step_index;
  }
  EXPECT_FALSE(LossTermByName("r1", {{"interval", 0}}).ok());
}

TEST_F(GradientPenaltyTermsTest, DefaultWeightIsTen) {
  EXPECT_NEAR(Penalty("r1", nlohmann::json::object()).item<double>(),
              5 * norms.pow(2).mean().item<double>(), 1e-10);
}

// D(x) = sum(x^2): the gradient at x_hat is 2 x_hat, so the value tells which points
// were penalized.
class SquareCritic : public LinearCritic {
 public:
  SquareCritic() : LinearCritic(1, 1) {}
  torch::Tensor forward(const torch::Tensor& images, const torch::Tensor&) override {
    return images.flatten(1).square().sum(1);
  }
};

TEST_F(GradientPenaltyTermsTest, WganGpInterpolatesBetweenTheRealBatchAndTheFakes) {
  SquareCritic square;
  StepContext step = StepWithOutput(square, g, real, fakes, labels, {});
  torch::manual_seed(9);
  const torch::Tensor value = LossTermByName("wgan_gp")->term->Discriminator(step);
  torch::manual_seed(9);  // the same per-sample eps as the penalty draws
  const torch::Tensor eps = torch::rand({5, 1, 1, 1}, torch::kDouble);
  const torch::Tensor points = eps * real + (1 - eps) * fakes;
  const torch::Tensor expected = 10 * (2 * points.flatten(1).norm(2, 1) - 1).pow(2).mean();
  EXPECT_NEAR(value.item<double>(), expected.item<double>(), 1e-10);
}

TEST_F(GradientPenaltyTermsTest, DraganPerturbsByItsOptionTimesTheDataSpread) {
  SquareCritic square;
  StepContext step = StepWithOutput(square, g, real, fakes, labels, {});
  torch::manual_seed(10);
  const torch::Tensor value =
      LossTermByName("dragan", {{"weight", 1.0}, {"perturbation", 2.0}})->term->Discriminator(step);
  torch::manual_seed(10);  // the penalty's draws: the noise, then one alpha per image
  const torch::Tensor u = torch::rand({5, 3, 2, 2}, torch::kDouble);
  const torch::Tensor alpha = torch::rand({5, 1, 1, 1}, torch::kDouble);
  const torch::Tensor points = alpha * real + (1 - alpha) * (real + 2.0 * real.std() * u);
  const torch::Tensor expected = (2 * points.flatten(1).norm(2, 1) - 1).pow(2).mean();
  EXPECT_NEAR(value.item<double>(), expected.item<double>(), 1e-10);
}

TEST(GradientPenaltyTermOptions, ErrorsNameTheKey) {
  absl::StatusOr<NamedLossTerm> negative = LossTermByName("wgan_gp", {{"weight", -1}});
  ASSERT_FALSE(negative.ok());
  EXPECT_NE(negative.status().message().find("'terms.wgan_gp.weight'"), std::string::npos)
      << negative.status();
  absl::StatusOr<NamedLossTerm> unknown = LossTermByName("r1", {{"gamma", 10}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("terms.r1.gamma"), std::string::npos)
      << unknown.status();
  absl::StatusOr<NamedLossTerm> perturbation = LossTermByName("dragan", {{"perturbation", -0.5}});
  ASSERT_FALSE(perturbation.ok());
  EXPECT_NE(perturbation.status().message().find("terms.dragan.perturbation"), std::string::npos);
}

}  // namespace
}  // namespace gan
