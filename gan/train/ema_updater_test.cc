#include "gan/train/ema_updater.h"

#include <memory>

#include <gtest/gtest.h>
#include <torch/utils.h>

#include "gan/core/archive_file.h"
#include "gan/networks/dcgan/dcgan.h"
#include "gan/train/alternating_updater.h"

namespace gan {
namespace {

std::unique_ptr<EmaUpdater> MakeEmaUpdater(int n_dis, EmaOptions ema) {
  torch::manual_seed(1);
  const DcganSpec spec = StandardDcganSpec(32, 1, 4, 8);
  AlternatingUpdaterOptions options;
  options.n_dis = n_dis;
  auto inner = std::make_unique<AlternatingUpdater>(MakeDcganGenerator(spec),
                                                    MakeDcganDiscriminator(spec),
                                                    *AdversarialLossByName("hinge"), options);
  return std::make_unique<EmaUpdater>(std::move(inner), MakeDcganGenerator(spec), ema, n_dis);
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
