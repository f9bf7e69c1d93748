#include "gan/train/progressive_updater.h"

#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/utils.h>

#include "gan/core/random_state.h"
#include "gan/losses/adversarial_loss.h"
#include "gan/networks/progressive/progressive.h"
#include "gan/train/alternating_updater.h"
#include "gan/train/ema_updater.h"

namespace gan {
namespace {

// Records the phase of G, D and the sampling G that each Update sees; trains nothing.
class PhaseRecorder : public Updater {
 public:
  struct Seen {
    int64_t level[3];
    double alpha[3];
  };

  PhaseRecorder(std::shared_ptr<ProgressiveGenerator> g,
                std::shared_ptr<ProgressiveDiscriminator> d,
                std::shared_ptr<ProgressiveGenerator> shadow)
      : g_(g), d_(std::move(d)), shadow_(std::move(shadow)), generator_(g), sampler_(shadow_) {}

  std::map<std::string, torch::Tensor> Update(const Batch& batch, int64_t) override {
    last_batch = batch;
    seen.push_back({{g_->phase_level(), d_->phase_level(), shadow_->phase_level()},
                    {g_->phase_alpha(), d_->phase_alpha(), shadow_->phase_alpha()}});
    return {{"loss_d", torch::scalar_tensor(1.5)}};
  }
  void Save(torch::serialize::OutputArchive&) const override {}
  void Load(torch::serialize::InputArchive&) override {}
  const Generator& generator() const override { return generator_; }
  const Generator& sampling_generator() const override { return sampler_; }
  torch::Device device() const override { return torch::kCPU; }
  // Resets are recorded as the index of the Update that follows them.
  void ResetOptimizerState() override { resets.push_back(seen.size()); }

  std::vector<Seen> seen;
  std::vector<size_t> resets;
  Batch last_batch;

 private:
  std::shared_ptr<ProgressiveGenerator> g_;
  std::shared_ptr<ProgressiveDiscriminator> d_;
  std::shared_ptr<ProgressiveGenerator> shadow_;
  Generator generator_, sampler_;
};

ProgressiveSpec TinySpec(int64_t image_size) {
  return *ProgressiveSpecFor(image_size, 1, /*width=*/2, /*latent_dim=*/8);
}

TEST(ProgressiveUpdaterTest, SetsTheSchedulesPhaseBeforeEachIteration) {
  const ProgressiveSpec spec = TinySpec(16);  // levels 4x4, 8x8, 16x16
  auto g = std::make_shared<ProgressiveGenerator>(spec);
  auto d = std::make_shared<ProgressiveDiscriminator>(spec);
  auto shadow = std::make_shared<ProgressiveGenerator>(spec);
  auto recorder = std::make_unique<PhaseRecorder>(g, d, shadow);
  PhaseRecorder* seen = recorder.get();
  // 4 images per iteration: 2 stable iterations at 4x4, then per level 4 fading, 2 stable.
  ProgressiveUpdater updater(std::move(recorder), g, d, {{3, 8, 16}, 4});
  EXPECT_EQ(g->phase_level(), 0);  // iteration 0's phase, not the default final level

  struct Expected {
    int64_t iteration, level;
    double alpha;
  };
  // Out of order on purpose: the phase depends on the iteration alone (as after a resume).
  const std::vector<Expected> expected = {
      {0, 0, 1.0},  {1, 0, 1.0},  {2, 1, 0.0},  {3, 1, 0.25}, {4, 1, 0.5},  {5, 1, 0.75},
      {6, 1, 1.0},  {7, 1, 1.0},  {8, 2, 0.0},  {9, 2, 0.25}, {11, 2, 0.75}, {12, 2, 1.0},
      {40, 2, 1.0}, {3, 1, 0.25}};
  // A smaller batch does not change the count: images_seen uses the configured size.
  const Batch batch{torch::zeros({2, 1, 16, 16}), torch::Tensor()};
  for (size_t i = 0; i < expected.size(); ++i) {
    const Expected& e = expected[i];
    SCOPED_TRACE(e.iteration);
    const auto losses = updater.Update(batch, e.iteration);
    ASSERT_EQ(seen->seen.size(), i + 1);
    for (int net = 0; net < 3; ++net) {
      EXPECT_EQ(seen->seen[i].level[net], e.level) << "network " << net;
      EXPECT_DOUBLE_EQ(seen->seen[i].alpha[net], e.alpha) << "network " << net;
    }
    EXPECT_EQ(losses.at("level").item<double>(), e.level);
    EXPECT_DOUBLE_EQ(losses.at("alpha").item<double>(), e.alpha);
    EXPECT_DOUBLE_EQ(losses.at("loss_d").item<double>(), 1.5);  // the inner losses stay
  }
}

TEST(ProgressiveUpdaterTest, ResetsTheOptimizersWhenAFadeStartsAndWhenItEnds) {
  const ProgressiveSpec spec = TinySpec(16);
  auto g = std::make_shared<ProgressiveGenerator>(spec);
  auto d = std::make_shared<ProgressiveDiscriminator>(spec);
  auto recorder = std::make_unique<PhaseRecorder>(g, d, g);
  PhaseRecorder* seen = recorder.get();
  ProgressiveUpdaterOptions options{{3, 8, 16}, 4};
  options.reset_optimizers = true;
  ProgressiveUpdater updater(std::move(recorder), g, d, options);
  // The phases of SetsTheSchedulesPhaseBeforeEachIteration: fades at 2-5 and 8-11, stable
  // from 6 and from 12. PGGAN resets when floor(lod) or ceil(lod) changes: at 2, 6, 8, 12.
  const Batch batch{torch::zeros({4, 1, 16, 16}), torch::Tensor()};
  for (int64_t i = 0; i < 14; ++i) updater.Update(batch, i);
  EXPECT_EQ(seen->resets, (std::vector<size_t>{2, 6, 8, 12}));
  // A run resumed at a phase's first iteration resets there too; one resumed inside not.
  updater.Update(batch, 6);
  updater.Update(batch, 9);
  EXPECT_EQ(seen->resets, (std::vector<size_t>{2, 6, 8, 12, 14}));
}

// Worked from the definition with loops: at level 1 (8x8) of 16x16 images, each 8x8
// pixel is the mean of a 2x2 block of the image, blended with the mean of the 4x4 block
// around it (the 4x4 level upsampled), and shown at 16x16 by repeating it 2x2.
TEST(ProgressiveUpdaterTest, FadeRealsBlendsTheRealImagesLikeTheFakesByHand) {
  torch::manual_seed(3);
  const torch::Tensor images = torch::rand({2, 1, 16, 16}, torch::kDouble);
  const double alpha = 0.25;
  const torch::Tensor blended = BlendRealsForFade(images, 1, alpha);
  ASSERT_EQ(blended.sizes(), images.sizes());
  auto mean = [&](int64_t n, int64_t top, int64_t left, int64_t side) {
    double sum = 0;
    for (int64_t i = top; i < top + side; ++i) {
      for (int64_t j = left; j < left + side; ++j) sum += images[n][0][i][j].item<double>();
    }
    return sum / (side * side);
  };
  for (int64_t n = 0; n < 2; ++n) {
    for (int64_t i = 0; i < 16; ++i) {
      for (int64_t j = 0; j < 16; ++j) {
        const double fine = mean(n, i / 2 * 2, j / 2 * 2, 2);
        const double coarse = mean(n, i / 4 * 4, j / 4 * 4, 4);
        EXPECT_NEAR(blended[n][0][i][j].item<double>(), alpha * fine + (1 - alpha) * coarse, 1e-12)
            << n << " " << i << " " << j;
      }
    }
  }
  EXPECT_TRUE(BlendRealsForFade(images, 1, 1.0).equal(images));
  EXPECT_TRUE(BlendRealsForFade(images, 0, 1.0).equal(images));
}

TEST(ProgressiveUpdaterTest, FadeRealsReachesTheInnerUpdaterOnlyWhenOn) {
  const ProgressiveSpec spec = TinySpec(16);
  auto g = std::make_shared<ProgressiveGenerator>(spec);
  auto d = std::make_shared<ProgressiveDiscriminator>(spec);
  const Batch batch{torch::rand({4, 1, 16, 16}), torch::arange(4)};
  for (bool fade : {false, true}) {
    auto recorder = std::make_unique<PhaseRecorder>(g, d, g);
    PhaseRecorder* seen = recorder.get();
    ProgressiveUpdaterOptions options{{3, 8, 16}, 4};
    options.fade_reals = fade;
    ProgressiveUpdater updater(std::move(recorder), g, d, options);
    updater.Update(batch, 3);  // level 1, alpha 0.25
    EXPECT_TRUE(seen->last_batch.images.equal(fade ? BlendRealsForFade(batch.images, 1, 0.25)
                                                   : batch.images));
    EXPECT_FALSE(seen->last_batch.images.equal(fade ? batch.images
                                                    : BlendRealsForFade(batch.images, 1, 0.25)));
    EXPECT_TRUE(seen->last_batch.labels.equal(batch.labels));
    updater.Update(batch, 6);  // stable: the images as they are
    EXPECT_TRUE(seen->last_batch.images.equal(batch.images));
  }
}

TEST(ProgressiveUpdaterTest, RejectsAScheduleForOtherNetworks) {
  const ProgressiveSpec spec = TinySpec(16);
  auto g = std::make_shared<ProgressiveGenerator>(spec);
  auto d = std::make_shared<ProgressiveDiscriminator>(spec);
  const ProgressiveUpdaterOptions two_levels{{2, 8, 16}, 4};
  EXPECT_THROW(ProgressiveUpdater(std::make_unique<PhaseRecorder>(g, d, g), g, d, two_levels),
               c10::Error);
  const ProgressiveUpdaterOptions no_fade{{3, 8, 0}, 4};
  EXPECT_THROW(ProgressiveUpdater(std::make_unique<PhaseRecorder>(g, d, g), g, d, no_fade),
               c10::Error);
}

// A tiny PGGAN as the experiments build it: WGAN-GP alternating updater, EMA of G, phases.
struct Stack {
  std::shared_ptr<ProgressiveGenerator> g, shadow;
  std::shared_ptr<ProgressiveDiscriminator> d;
  std::unique_ptr<ProgressiveUpdater> updater;
};

Stack MakeStack(uint64_t seed) {
  torch::manual_seed(seed);
  const ProgressiveSpec spec = TinySpec(8);  // levels 4x4 and 8x8
  Stack s;
  s.g = std::make_shared<ProgressiveGenerator>(spec);
  s.d = std::make_shared<ProgressiveDiscriminator>(spec);
  s.shadow = std::make_shared<ProgressiveGenerator>(spec);
  AlternatingUpdaterOptions options;
  options.optimizer_g.lr = options.optimizer_d.lr = 1e-3;
  options.optimizer_g.beta1 = options.optimizer_d.beta1 = 0.0;
  options.optimizer_g.beta2 = options.optimizer_d.beta2 = 0.99;
  options.terms = {*LossTermByName("wgan_gp")};
  auto inner = std::make_unique<AlternatingUpdater>(s.g, s.d, *AdversarialLossByName("wasserstein"),
                                                    options);
  auto ema = std::make_unique<EmaUpdater>(std::move(inner), s.shadow, EmaOptions{0.9, 0});
  // Batches of 4: iterations 0-1 at 4x4, 2-5 fade in 8x8 (alpha 0, 1/4, 1/2, 3/4).
  s.updater = std::make_unique<ProgressiveUpdater>(std::move(ema), s.g, s.d,
                                                   ProgressiveUpdaterOptions{{2, 8, 16}, 4});
  return s;
}

std::vector<torch::Tensor> Snapshot(const torch::nn::Module& module) {
  std::vector<torch::Tensor> values;
  for (const auto& p : module.parameters()) values.push_back(p.detach().clone());
  for (const auto& b : module.buffers()) values.push_back(b.detach().clone());
  return values;
}

void ExpectSameValues(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(a[i].equal(b[i])) << "tensor #" << i;
}

TEST(ProgressiveUpdaterTest, ResumeMidFadeRestoresThePhaseAndContinuesExactly) {
  torch::set_num_threads(1);  // bit-identical reductions in both runs
  torch::manual_seed(100);
  std::vector<Batch> batches;
  for (int i = 0; i < 5; ++i) batches.push_back({torch::rand({4, 1, 8, 8}) * 2 - 1, torch::Tensor()});

  Stack run = MakeStack(1);
  for (int64_t iteration = 0; iteration < 4; ++iteration) {
    run.updater->Update(batches[iteration], iteration);
  }
  // Iteration 3 trained at 8x8 with alpha 1/4; that phase is in the modules now.
  ASSERT_EQ(run.g->phase_level(), 1);
  ASSERT_FLOAT_EQ(run.g->phase_alpha(), 0.25);
  // What a checkpoint keeps of the updater, and the random-number state.
  std::stringstream saved;
  {
    torch::serialize::OutputArchive archive;
    run.updater->Save(archive);
    archive.save_to(saved);
  }
  const torch::Tensor random_state = RandomState(torch::kCPU);
  // The uninterrupted run's next iteration.
  const auto losses = run.updater->Update(batches[4], 4);

  Stack resumed = MakeStack(2);  // other weights, and a fresh updater at iteration 0's phase
  ASSERT_EQ(resumed.g->phase_level(), 0);
  {
    torch::serialize::InputArchive archive;
    archive.load_from(saved);
    resumed.updater->Load(archive);
  }
  SetRandomState(torch::kCPU, random_state);
  // Before any update, every network is back at the saved mid-fade phase.
  EXPECT_EQ(resumed.g->phase_level(), 1);
  EXPECT_EQ(resumed.d->phase_level(), 1);
  EXPECT_EQ(resumed.shadow->phase_level(), 1);
  EXPECT_FLOAT_EQ(resumed.g->phase_alpha(), 0.25);
  EXPECT_FLOAT_EQ(resumed.d->phase_alpha(), 0.25);
  EXPECT_FLOAT_EQ(resumed.shadow->phase_alpha(), 0.25);

  // The next iteration continues the schedule (alpha 1/2) and matches the run that never
  // stopped: same losses, same weights in G, D and the average.
  const auto resumed_losses = resumed.updater->Update(batches[4], 4);
  EXPECT_FLOAT_EQ(resumed.g->phase_alpha(), 0.5);
  EXPECT_FLOAT_EQ(resumed.d->phase_alpha(), 0.5);
  EXPECT_FLOAT_EQ(resumed_losses.at("alpha").item<float>(), 0.5f);
  ASSERT_EQ(resumed_losses.size(), losses.size());
  for (const auto& [name, value] : losses) {
    EXPECT_TRUE(resumed_losses.at(name).equal(value))
        << name << ": " << resumed_losses.at(name).item<double>() << " vs " << value.item<double>();
  }
  ExpectSameValues(Snapshot(*resumed.g), Snapshot(*run.g));
  ExpectSameValues(Snapshot(*resumed.d), Snapshot(*run.d));
  ExpectSameValues(Snapshot(*resumed.shadow), Snapshot(*run.shadow));
}

}  // namespace
}  // namespace gan
