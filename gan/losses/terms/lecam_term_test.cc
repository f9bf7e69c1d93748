#include <gtest/gtest.h>

#include "gan/losses/terms/loss_term.h"
#include "gan/losses/terms/term_test_networks.h"

namespace gan {
namespace {

class LecamTermTest : public ::testing::Test {
 protected:
  // The term's D part for a step with these logits.
  torch::Tensor Step(LossTerm& term, std::vector<double> real, std::vector<double> fake) {
    DiscriminatorOutput out;
    out.logits = torch::tensor(real, torch::kDouble);
    StepContext step = StepWithOutput(d, g, images, images, {}, out);
    step.set_fake_logits(torch::tensor(fake, torch::kDouble));
    if (mean_over_ranks) step.set_mean_over_ranks(mean_over_ranks);
    return term.Discriminator(step);
  }

  LinearCritic d{4, 1};
  LinearGenerator g{2, 2};
  torch::Tensor images = torch::zeros({2, 1, 2, 2}, torch::kDouble);
  std::function<torch::Tensor(const torch::Tensor&)> mean_over_ranks;
};

TEST_F(LecamTermTest, PenalizesLogitsBeyondTheOtherSidesMovingAverage) {
  const NamedLossTerm lecam =
      *LossTermByName("lecam", {{"weight", 0.5}, {"decay", 0.99}, {"start", 0}});
  EXPECT_EQ(lecam.term->log_name(), "lecam");
  // Step 0 (not after `start`): the averages become the batch means 2 and -0.5; no term.
  EXPECT_EQ(Step(*lecam.term, {1, 3}, {-1, 0}).item<double>(), 0.0);
  // Step 1: a_R = 0.99 * 2 + 0.01 * 1 = 1.99, a_F = 0.99 * -0.5 + 0.01 * -1 = -0.505;
  // mean(relu(r - a_F)^2) = (2.505^2 + 0.505^2) / 2, mean(relu(a_R - f)^2) = (0.99^2 + 4.99^2) / 2.
  const double expected =
      0.5 * ((2.505 * 2.505 + 0.505 * 0.505) / 2 + (0.99 * 0.99 + 4.99 * 4.99) / 2);
  EXPECT_NEAR(Step(*lecam.term, {2, 0}, {1, -3}).item<double>(), expected, 1e-6);
}

TEST_F(LecamTermTest, AveragesFollowTheBatchUntilStartAndApplyAfterIt) {
  const NamedLossTerm lecam =
      *LossTermByName("lecam", {{"weight", 1.0}, {"decay", 0.5}, {"start", 2}});
  EXPECT_EQ(Step(*lecam.term, {5, 5}, {-5, -5}).item<double>(), 0.0);   // step 0: a = 5, -5
  EXPECT_EQ(Step(*lecam.term, {1, 1}, {-1, -1}).item<double>(), 0.0);   // step 1: a = 1, -1
  // Step 2 (= start): the averages decay, a_R = 0.5 + 0.5 * 3 = 2, a_F = -0.5 - 1.5 = -2;
  // the term is not yet applied.
  EXPECT_EQ(Step(*lecam.term, {3, 3}, {-3, -3}).item<double>(), 0.0);
  // Step 3: a_R = 0.5 * 2 + 0.5 * 0 = 1, a_F = -1; relu(0 + 1)^2 + relu(1 - 0)^2 = 2.
  EXPECT_NEAR(Step(*lecam.term, {0, 0}, {0, 0}).item<double>(), 2.0, 1e-6);
}

TEST_F(LecamTermTest, AveragesAreOfTheGlobalBatchAndSurviveACheckpoint) {
  mean_over_ranks = [](const torch::Tensor& v) { return v + 1; };  // other ranks: + 2 each
  const NamedLossTerm lecam =
      *LossTermByName("lecam", {{"weight", 1.0}, {"decay", 0.5}, {"start", 0}});
  Step(*lecam.term, {0, 0}, {0, 0});  // a_R = a_F = 1 (the ranks' mean)
  torch::serialize::OutputArchive out;
  lecam.term->Save(out, "terms/lecam/");
  std::ostringstream bytes;
  out.save_to(bytes);
  const NamedLossTerm restored =
      *LossTermByName("lecam", {{"weight", 1.0}, {"decay", 0.5}, {"start", 0}});
  torch::serialize::InputArchive in;
  std::istringstream stream(bytes.str());
  in.load_from(stream);
  restored.term->Load(in, "terms/lecam/");
  // Step 1 on both: a_R = a_F = 0.5 * 1 + 0.5 * (0 + 1) = 1; relu(0 - 1)^2 + relu(1 - 0)^2.
  const double original = Step(*lecam.term, {0, 0}, {0, 0}).item<double>();
  EXPECT_NEAR(original, 1.0, 1e-9);
  EXPECT_EQ(Step(*restored.term, {0, 0}, {0, 0}).item<double>(), original);
}

TEST(LecamTermOptions, AreValidated) {
  EXPECT_FALSE(LossTermByName("lecam", {{"decay", 1.0}}).ok());
  EXPECT_FALSE(LossTermByName("lecam", {{"start", -1}}).ok());
  EXPECT_FALSE(LossTermByName("lecam", {{"weight", -0.3}}).ok());
}

}  // namespace
}  // namespace gan
