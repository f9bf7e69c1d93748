#include "gan/losses/terms/consistency_terms.h"

#include <map>

#include <gtest/gtest.h>

#include "gan/losses/terms/loss_term.h"
#include "gan/losses/terms/term_test_networks.h"

namespace gan {
namespace {

constexpr int64_t kSide = 8;

// An 8x8 image whose pixels all differ, so that every flip and shift gives a different image.
torch::Tensor DistinctImage() {
  return torch::arange(kSide * kSide, torch::kDouble).view({1, 1, kSide, kSide});
}

TEST(ConsistencyTransformTest, FlipsHalfTheTimeAndShiftsByAtMostAnEighthMirroringTheEdges) {
  // The candidates by the reference's definition: flip, pad by one pixel in PyTorch's
  // "reflect" mode, crop at one of the 3 x 3 offsets.
  std::vector<torch::Tensor> candidates;
  for (bool flip : {false, true}) {
    const torch::Tensor image = flip ? DistinctImage().flip({3}) : DistinctImage();
    const torch::Tensor padded = torch::reflection_pad2d(image, {1, 1, 1, 1});
    for (int64_t top = 0; top < 3; ++top) {
      for (int64_t left = 0; left < 3; ++left) {
        candidates.push_back(padded.slice(2, top, top + kSide).slice(3, left, left + kSide));
      }
    }
  }
  torch::manual_seed(1);
  const int64_t draws = 1800;
  const torch::Tensor out =
      ConsistencyTransform(DistinctImage().expand({draws, 1, kSide, kSide}), 0.125);
  std::map<size_t, int> counts;
  for (int64_t n = 0; n < draws; ++n) {
    size_t found = candidates.size();
    for (size_t c = 0; c < candidates.size(); ++c) {
      if (out[n].equal(candidates[c][0])) found = c;
    }
    ASSERT_LT(found, candidates.size()) << "draw " << n << " is no flip and shift of at most 1";
    ++counts[found];
  }
  // Each of the 18 outcomes has probability 1/18: 100 expected, sd 9.7.
  for (size_t c = 0; c < candidates.size(); ++c) {
    EXPECT_GT(counts[c], 60) << "outcome " << c;
    EXPECT_LT(counts[c], 140) << "outcome " << c;
  }
}

class ConsistencyTermTest : public ::testing::Test {
 protected:
  ConsistencyTermTest() {
    torch::manual_seed(3);
    d = std::make_shared<LinearCritic>(kSide * kSide, 1);
    g = std::make_shared<LinearGenerator>(3, kSide);
    real = torch::randn({4, 1, kSide, kSide}, torch::kDouble);
    latents = torch::randn({4, 3}, torch::kDouble);
    fakes = g->forward(latents, {});
  }

  // A D step's context: D's logits of the real batch and of the fakes, with their graphs.
  StepContext DiscriminatorStep() {
    DiscriminatorOutput out;
    out.logits = d->forward(real, {});
    StepContext step = StepWithOutput(*d, *g, real, fakes.detach(), {}, out);
    step.set_fake_logits(d->forward(fakes.detach(), {}));
    step.set_latents(latents);
    return step;
  }

  static torch::Tensor MeanSquare(const torch::Tensor& a, const torch::Tensor& b) {
    return (a - b).pow(2).mean();
  }

  std::shared_ptr<LinearCritic> d;
  std::shared_ptr<LinearGenerator> g;
  torch::Tensor real, latents, fakes;
};

TEST_F(ConsistencyTermTest, CrComparesDsLogitsOfTheRealBatchAndItsTransformOnBothSides) {
  const NamedLossTerm cr = *LossTermByName("cr", {{"weight", 2.5}});
  EXPECT_EQ(cr.term->log_name(), "consistency");
  torch::manual_seed(7);
  StepContext step = DiscriminatorStep();
  EXPECT_FALSE(cr.term->Generator(step).defined());  // D only
  const torch::Tensor value = cr.term->Discriminator(step);
  value.backward();
  const torch::Tensor gradient = d->w.grad().clone();
  d->w.mutable_grad().zero_();

  torch::manual_seed(7);  // the same transform, drawn by the oracle
  const torch::Tensor transformed = ConsistencyTransform(real, 0.125);
  const torch::Tensor expected = 2.5 * MeanSquare(d->forward(real, {}), d->forward(transformed, {}));
  expected.backward();
  EXPECT_NEAR(value.item<double>(), expected.item<double>(), 1e-10);
  EXPECT_GT(value.item<double>(), 0.0);
  // Both sides carry D's gradient (neither is detached).
  EXPECT_TRUE(gradient.allclose(d->w.grad(), 1e-9, 1e-12));
}

TEST_F(ConsistencyTermTest, BcrAddsTheFakeBatchWithItsOwnWeight) {
  const NamedLossTerm bcr = *LossTermByName("bcr", {{"weight_real", 2.0}, {"weight_fake", 3.0}});
  torch::manual_seed(8);
  StepContext step = DiscriminatorStep();
  const double value = bcr.term->Discriminator(step).item<double>();

  torch::manual_seed(8);  // the real batch's transform is drawn first, then the fakes'
  const torch::Tensor real_transformed = ConsistencyTransform(real, 0.125);
  const torch::Tensor fakes_transformed = ConsistencyTransform(fakes.detach(), 0.125);
  const double expected =
      2.0 * MeanSquare(d->forward(real, {}), d->forward(real_transformed, {})).item<double>() +
      3.0 * MeanSquare(d->forward(fakes, {}), d->forward(fakes_transformed, {})).item<double>();
  EXPECT_NEAR(value, expected, 1e-10);
}

TEST_F(ConsistencyTermTest, ZcrPullsDsLogitsTogetherAndPushesGsImagesApart) {
  const NamedLossTerm zcr =
      *LossTermByName("zcr", {{"weight_d", 5.0}, {"weight_g", 0.5}, {"sigma", 0.1}});
  torch::manual_seed(9);
  StepContext d_step = DiscriminatorStep();
  const torch::Tensor d_part = zcr.term->Discriminator(d_step);
  d_part.backward();
  // D's step trains D only: G's weights get no gradient from it.
  EXPECT_FALSE(g->fc->weight.grad().defined());
  EXPECT_TRUE(d->w.grad().defined());

  torch::manual_seed(9);
  const torch::Tensor perturbed = latents + 0.1 * torch::randn_like(latents);
  const torch::Tensor expected_d =
      5.0 * MeanSquare(d->forward(fakes, {}), d->forward(g->forward(perturbed, {}), {}));
  EXPECT_NEAR(d_part.item<double>(), expected_d.item<double>(), 1e-10);
  EXPECT_GT(d_part.item<double>(), 0.0);

  // G's step: fakes with G's graph.
  StepContext g_step(*d, *g, real, fakes, {}, [] { return DiscriminatorOutput{}; });
  g_step.set_latents(latents);
  torch::manual_seed(10);
  const torch::Tensor g_part = zcr.term->Generator(g_step);
  torch::manual_seed(10);
  const torch::Tensor perturbed_g = latents + 0.1 * torch::randn_like(latents);
  const double expected_g = -0.5 * MeanSquare(fakes, g->forward(perturbed_g, {})).item<double>();
  EXPECT_NEAR(g_part.item<double>(), expected_g, 1e-10);
  EXPECT_LT(g_part.item<double>(), 0.0);
  g_part.backward();
  EXPECT_TRUE(g->fc->weight.grad().defined());
}

TEST_F(ConsistencyTermTest, ZcrNeedsTheLatentsOfTheFakes) {
  const NamedLossTerm zcr = *LossTermByName("zcr");
  StepContext step = DiscriminatorStep();
  step.set_latents({});
  try {
    zcr.term->Discriminator(step);
    FAIL() << "no error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("latents"), std::string::npos) << e.what();
  }
}

TEST(ConsistencyTermOptionsTest, RejectValuesOutsideTheirRanges) {
  const auto message = [](const std::string& name, const nlohmann::json& options) {
    const auto term = LossTermByName(name, options);
    return term.ok() ? std::string("ok") : std::string(term.status().message());
  };
  EXPECT_NE(message("zcr", {{"sigma", 0.0}}).find("sigma"), std::string::npos);
  EXPECT_NE(message("cr", {{"translation_ratio", 0.5}}).find("translation_ratio"),
            std::string::npos);
  EXPECT_NE(message("bcr", {{"weight_fake", -1.0}}).find("weight_fake"), std::string::npos);
  EXPECT_NE(message("bcr", {{"weight", 1.0}}).find("weight"), std::string::npos);  // unknown key
  EXPECT_EQ(message("bcr", {{"weight_real", 0.0}}), "ok");
}

}  // namespace
}  // namespace gan
