#include "gan/train/ema_updater.h"

#include <memory>

#include <gtest/gtest.h>
#include <torch/utils.h>

#include "gan/core/archive_file.h"
#include "gan/networks/dcgan/dcgan.h"
#include "gan/train/alternating_updater.h"

namespace gan {
namespace {

std::unique_ptr<Updater> MakeInner(int n_dis) {
  torch::manual_seed(1);
  const DcganSpec spec = StandardDcganSpec(32, 1, 4, 8);
  AlternatingUpdaterOptions options;
  options.n_dis = n_dis;
  return std::make_unique<AlternatingUpdater>(MakeDcganGenerator(spec),
                                              MakeDcganDiscriminator(spec),
                                              *AdversarialLossByName("hinge"), options);
}

Generator Shadow() { return MakeDcganGenerator(StandardDcganSpec(32, 1, 4, 8)); }

std::unique_ptr<EmaUpdater> MakeEmaUpdater(int n_dis, EmaOptions ema) {
  return std::make_unique<EmaUpdater>(MakeInner(n_dis), Shadow(), ema, n_dis);
}

torch::Tensor FirstWeight(const Generator& g) { return g->parameters()[0].detach().clone(); }

Batch RealBatch() { return {torch::rand({4, 1, 32, 32}) * 2 - 1, torch::Tensor()}; }

TEST(EmaUpdaterTest, SamplesFromTheAverageWhichLagsTheTrainedWeights) {
  auto updater = MakeEmaUpdater(1, {0.5, 0});
  ASSERT_NE(updater->sampling_generator(), updater->generator());
  EXPECT_TRUE(FirstWeight(updater->sampling_generator()).equal(FirstWeight(updater->generator())));
  const torch::Tensor before = FirstWeight(updater->generator());
  updater->Update(RealBatch(), 0);
  const torch::Tensor after = FirstWeight(updater->generator());
  // decay 0.5: the average sits halfway between the old and the new weights.
  EXPECT_TRUE(torch::allclose(FirstWeight(updater->sampling_generator()), (before + after) / 2,
                              1e-6, 1e-7));
}

TEST(EmaUpdaterTest, AveragesOnlyAfterGeneratorSteps) {
  auto updater = MakeEmaUpdater(2, {0.5, 0});  // G steps on odd iterations
  const torch::Tensor start = FirstWeight(updater->sampling_generator());
  updater->Update(RealBatch(), 0);  // D only
  EXPECT_TRUE(FirstWeight(updater->sampling_generator()).equal(start));
  updater->Update(RealBatch(), 1);
  EXPECT_FALSE(FirstWeight(updater->sampling_generator()).equal(start));
}

TEST(EmaUpdaterTest, StartStepCountsGeneratorStepsNotIterations) {
  // n_dis 2: G steps at iterations 1, 3, 5 (its steps 0, 1, 2); start 2 = G's third step.
  auto updater = MakeEmaUpdater(2, {0.5, 2});
  for (int64_t iteration = 0; iteration < 6; ++iteration) {
    updater->Update(RealBatch(), iteration);
    const bool averaging = iteration == 5;  // counted in iterations it would start at 3
    EXPECT_EQ(FirstWeight(updater->sampling_generator()).equal(FirstWeight(updater->generator())),
              !averaging)
        << "iteration " << iteration;
  }
}

// Batch 4: a half-life of 4 images is a decay of 0.5 per G step at n_dis 1, and of 0.25
// (8 images between G steps) at n_dis 2.
TEST(EmaUpdaterTest, AHalfLifeInImagesCountsTheImagesBetweenGeneratorSteps) {
  for (const int n_dis : {1, 2}) {
    EmaUpdater updater(MakeInner(n_dis), Shadow(), {0.9, 0}, EmaHalfLife{4, 0, 4}, n_dis);
    for (int64_t iteration = 0; iteration < n_dis - 1; ++iteration) {
      updater.Update(RealBatch(), iteration);
    }
    const torch::Tensor before = FirstWeight(updater.generator());
    updater.Update(RealBatch(), n_dis - 1);
    const torch::Tensor after = FirstWeight(updater.generator());
    const double decay = n_dis == 1 ? 0.5 : 0.25;
    EXPECT_TRUE(torch::allclose(FirstWeight(updater.sampling_generator()),
                                decay * before + (1 - decay) * after, 1e-6, 1e-7))
        << "n_dis " << n_dis;
  }
}

// Ramp-up 0.25: at iteration 0 nothing has been seen (a copy); at iteration 1 the half-life
// is 0.25 x 4 images = 1 image, a decay of 0.5^4 per 4-image step.
TEST(EmaUpdaterTest, TheRampUpCopiesFirstThenShortensTheHalfLife) {
  EmaUpdater updater(MakeInner(1), Shadow(), {0.9, 0}, EmaHalfLife{1000, 0.25, 4}, 1);
  updater.Update(RealBatch(), 0);
  EXPECT_TRUE(FirstWeight(updater.sampling_generator()).equal(FirstWeight(updater.generator())));
  const torch::Tensor before = FirstWeight(updater.generator());
  updater.Update(RealBatch(), 1);
  const torch::Tensor after = FirstWeight(updater.generator());
  EXPECT_TRUE(torch::allclose(FirstWeight(updater.sampling_generator()),
                              0.0625 * before + 0.9375 * after, 1e-6, 1e-7));
}

TEST(EmaUpdaterTest, TheAverageTravelsWithCheckpoints) {
  auto trained = MakeEmaUpdater(1, {0.9, 0});
  for (int i = 0; i < 3; ++i) trained->Update(RealBatch(), i);
  torch::serialize::OutputArchive out;
  trained->Save(out);
  auto restored = MakeEmaUpdater(1, {0.9, 0});
  torch::serialize::InputArchive in = ReadBackInMemory(out);
  restored->Load(in);
  EXPECT_TRUE(FirstWeight(restored->sampling_generator())
                  .equal(FirstWeight(trained->sampling_generator())));
  EXPECT_TRUE(FirstWeight(restored->generator()).equal(FirstWeight(trained->generator())));
  EXPECT_FALSE(FirstWeight(restored->sampling_generator()).equal(FirstWeight(restored->generator())));
}

}  // namespace
}  // namespace gan
