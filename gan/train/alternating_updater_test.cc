#include "gan/train/alternating_updater.h"

#include <cmath>
#include <functional>
#include <string>
#include <utility>

#include <c10/core/DefaultDtype.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/utils.h>

#include "gan/core/archive_file.h"
#include "gan/losses/gradient_penalty.h"
#include "gan/networks/dcgan/dcgan.h"

namespace gan {
namespace {

struct Nets {
  std::shared_ptr<DcganGenerator> g;
  std::shared_ptr<DcganDiscriminator> d;
};

Nets TinyDcgan() {
  torch::manual_seed(3);
  const DcganSpec spec = StandardDcganSpec(32, 1, 4, 8);
  return {MakeDcganGenerator(spec), MakeDcganDiscriminator(spec)};
}

Batch RealBatch(int64_t n = 8) { return {torch::rand({n, 1, 32, 32}) * 2 - 1, torch::Tensor()}; }

std::vector<torch::Tensor> Snapshot(torch::nn::Module& m) {
  std::vector<torch::Tensor> out;
  for (const auto& p : m.parameters()) out.push_back(p.detach().clone());
  return out;
}

bool Changed(torch::nn::Module& m, const std::vector<torch::Tensor>& before) {
  const auto now = m.parameters();
  for (size_t i = 0; i < now.size(); ++i) {
    if (!now[i].equal(before[i])) return true;
  }
  return false;
}

// Largest |change| of any parameter element.
double MaxStep(torch::nn::Module& m, const std::vector<torch::Tensor>& before) {
  double step = 0;
  const auto now = m.parameters();
  for (size_t i = 0; i < now.size(); ++i) {
    step = std::max(step, (now[i] - before[i]).abs().max().item<double>());
  }
  return step;
}

AlternatingUpdater MakeUpdater(const Nets& nets, AlternatingUpdaterOptions options) {
  return AlternatingUpdater(nets.g, nets.d, *AdversarialLossByName("hinge"), options);
}

// An unconditional D that refuses labels, as PGGAN's does.
class LabelRefusingDiscriminator : public DiscriminatorModule {
 public:
  explicit LabelRefusingDiscriminator(std::shared_ptr<DcganDiscriminator> inner)
      : inner_(register_module("inner", std::move(inner))) {}
  torch::Tensor forward(const torch::Tensor& images, const torch::Tensor& labels) override {
    TORCH_CHECK(!labels.defined(), "an unconditional discriminator was given labels");
    return inner_->forward(images, labels);
  }

 private:
  std::shared_ptr<DcganDiscriminator> inner_;
};

TEST(AlternatingUpdaterTest, UnconditionalNetworksTrainOnLabelledBatchesWithoutTheLabels) {
  for (const bool generator_first : {false, true}) {
    for (const bool joint_batch_norm : {false, true}) {
      Nets nets = TinyDcgan();
      AlternatingUpdaterOptions options;
      options.generator_first = generator_first;
      options.joint_batch_norm = joint_batch_norm;
      AlternatingUpdater updater(nets.g, std::make_shared<LabelRefusingDiscriminator>(nets.d),
                                 *AdversarialLossByName("hinge"), options);
      const Batch labelled{RealBatch().images, torch::arange(8, torch::kLong) % 10};
      EXPECT_NO_THROW(updater.Update(labelled, 0))
          << "generator_first " << generator_first << ", joint " << joint_batch_norm;
    }
  }
}

TEST(AlternatingUpdaterTest, GeneratorStepLeavesNoGradientsOnDiscriminator) {
  Nets nets = TinyDcgan();
  AlternatingUpdater updater = MakeUpdater(nets, {});
  const auto d_before = Snapshot(*nets.d);
  const auto g_before = Snapshot(*nets.g);
  updater.GeneratorStep(RealBatch().images, torch::Tensor());
  for (const auto& p : nets.d->parameters()) {
    EXPECT_FALSE(p.grad().defined());
    EXPECT_TRUE(p.requires_grad());  // restored for the D step
  }
  EXPECT_FALSE(Changed(*nets.d, d_before));
  EXPECT_TRUE(Changed(*nets.g, g_before));
}

TEST(AlternatingUpdaterTest, DiscriminatorStepDoesNotTouchGenerator) {
  Nets nets = TinyDcgan();
  AlternatingUpdater updater = MakeUpdater(nets, {});
  const auto g_before = Snapshot(*nets.g);
  const auto d_before = Snapshot(*nets.d);
  updater.DiscriminatorStep(RealBatch().images, torch::Tensor(), torch::Tensor());
  for (const auto& p : nets.g->parameters()) EXPECT_FALSE(p.grad().defined());
  EXPECT_FALSE(Changed(*nets.g, g_before));
  EXPECT_TRUE(Changed(*nets.d, d_before));
}

TEST(AlternatingUpdaterTest, NDisRunsGeneratorEveryNthIteration) {
  for (bool generator_first : {false, true}) {
    Nets nets = TinyDcgan();
    AlternatingUpdaterOptions options;
    options.n_dis = 3;
    options.generator_first = generator_first;
    AlternatingUpdater updater = MakeUpdater(nets, options);
    std::vector<int64_t> g_iterations;
    for (int64_t i = 0; i < 7; ++i) {
      const auto losses = updater.Update(RealBatch(), i);
      EXPECT_EQ(losses.count("loss_d"), 1u);
      if (losses.count("loss_g")) g_iterations.push_back(i);
    }
    // D first: G after the 3rd, 6th D step; G first: G before the 1st, 4th, 7th.
    EXPECT_EQ(g_iterations, generator_first ? std::vector<int64_t>({0, 3, 6})
                                            : std::vector<int64_t>({2, 5}));
  }
}

TEST(AlternatingUpdaterTest, TwoTimeScaleLearningRates) {
  // Adam's first step moves every parameter with a non-zero gradient by exactly lr
  // (m/sqrt(v) = sign(g) after bias correction), so the largest change equals lr.
  Nets nets = TinyDcgan();
  AlternatingUpdaterOptions options;
  options.optimizer_g.lr = 1e-4;
  options.optimizer_d.lr = 4e-4;
  options.optimizer_g.beta1 = options.optimizer_d.beta1 = 0.0;
  options.optimizer_g.beta2 = options.optimizer_d.beta2 = 0.9;
  AlternatingUpdater updater = MakeUpdater(nets, options);
  const auto g_before = Snapshot(*nets.g);
  const auto d_before = Snapshot(*nets.d);
  updater.Update(RealBatch(), 0);
  EXPECT_NEAR(MaxStep(*nets.d, d_before), 4e-4, 4e-6);
  EXPECT_NEAR(MaxStep(*nets.g, g_before), 1e-4, 1e-6);
}

TEST(AlternatingUpdaterTest, ResetOptimizerStateMakesTheNextStepAFirstStep) {
  // Adam's first step moves every element whose gradient is clearly non-zero by lr; later
  // steps (momentum, a grown second moment) do not. Three iterations, then a D step on
  // fixed fakes, with and without a reset in between.
  for (bool reset : {false, true}) {
    Nets nets = TinyDcgan();
    AlternatingUpdaterOptions options;
    options.optimizer_d.lr = 1e-3;
    AlternatingUpdater updater = MakeUpdater(nets, options);
    torch::manual_seed(4);
    for (int64_t i = 0; i < 3; ++i) updater.Update(RealBatch(), i);
    if (reset) updater.ResetOptimizerState();
    const auto before = Snapshot(*nets.d);
    updater.DiscriminatorStep(RealBatch().images, {}, torch::rand({8, 1, 32, 32}) * 2 - 1);
    const auto now = nets.d->parameters();
    int64_t steps_of_lr = 0, others = 0;
    for (size_t i = 0; i < now.size(); ++i) {
      const torch::Tensor moved = (now[i] - before[i]).abs().flatten();
      const torch::Tensor clear = now[i].grad().abs().flatten() > 1e-4;
      const torch::Tensor first_step = (moved - 1e-3).abs() < 1e-6;
      steps_of_lr += (first_step & clear).sum().item<int64_t>();
      others += (~first_step & clear).sum().item<int64_t>();
    }
    SCOPED_TRACE(reset ? "reset" : "no reset");
    EXPECT_GT(steps_of_lr + others, 100);
    if (reset) {
      EXPECT_EQ(others, 0);
    } else {
      EXPECT_GT(others, (steps_of_lr + others) / 2);
    }
  }
}

TEST(AlternatingUpdaterTest, GeneratorFirstReusesItsFakesInTheDiscriminatorStep) {
  // With G first, one iteration draws one latent batch; D first draws two.
  for (bool generator_first : {false, true}) {
    Nets nets = TinyDcgan();
    AlternatingUpdaterOptions options;
    options.generator_first = generator_first;
    AlternatingUpdater updater = MakeUpdater(nets, options);
    const Batch batch = RealBatch();
    torch::manual_seed(42);
    updater.Update(batch, 0);
    const torch::Tensor after_update = torch::randn({1});
    torch::manual_seed(42);
    torch::randn({8, 8});
    if (!generator_first) torch::randn({8, 8});
    EXPECT_TRUE(torch::randn({1}).equal(after_update)) << "generator_first=" << generator_first;
  }
}

TEST(AlternatingUpdaterTest, HingeTrainingSeparatesRealFromFakeLogits) {
  // A few D steps on a fixed real batch should push D(real) above D(fake).
  Nets nets = TinyDcgan();
  AlternatingUpdaterOptions options;
  options.optimizer_d.lr = 1e-3;
  AlternatingUpdater updater = MakeUpdater(nets, options);
  const Batch batch = RealBatch();
  torch::Tensor first, last;
  for (int i = 0; i < 20; ++i) {
    last = updater.DiscriminatorStep(batch.images, torch::Tensor(), torch::Tensor());
    if (i == 0) first = last;
  }
  EXPECT_LT(last.item<double>(), first.item<double>());
}

TEST(AlternatingUpdaterTest, LogsTheMeanLogitsOfTheDiscriminatorStep) {
  // Oracle: with G first, D's step sees G's fakes from before G's step, and D's weights are
  // those before the update; both nets are in training mode (batch statistics), so their
  // outputs computed directly beforehand are the ones D's step sees.
  Nets nets = TinyDcgan();
  AlternatingUpdaterOptions options;
  options.generator_first = true;
  AlternatingUpdater updater = MakeUpdater(nets, options);
  const Batch batch = RealBatch();
  torch::Tensor expected_real, expected_fake;
  {
    torch::NoGradGuard no_grad;
    torch::manual_seed(5);
    const torch::Tensor fakes = nets.g->forward(nets.g->SampleLatent(8, torch::kCPU), torch::Tensor());
    expected_real = nets.d->forward(batch.images, torch::Tensor()).mean();
    expected_fake = nets.d->forward(fakes, torch::Tensor()).mean();
  }
  torch::manual_seed(5);
  const auto losses = updater.Update(batch, 0);
  ASSERT_TRUE(losses.count("logit_real") && losses.count("logit_fake"));
  EXPECT_NEAR(losses.at("logit_real").item<double>(), expected_real.item<double>(), 1e-5);
  EXPECT_NEAR(losses.at("logit_fake").item<double>(), expected_fake.item<double>(), 1e-5);
  EXPECT_GT(std::abs(expected_real.item<double>() - expected_fake.item<double>()), 1e-6);
}

TEST(AlternatingUpdaterTest, WeightClippingBoundsEveryDiscriminatorParameter) {
  Nets nets = TinyDcgan();
  AlternatingUpdaterOptions options;
  options.weight_clip = 0.01;
  AlternatingUpdater updater(nets.g, nets.d, *AdversarialLossByName("wasserstein"), options);
  updater.Update(RealBatch(), 0);
  for (const auto& p : nets.d->parameters()) {
    EXPECT_LE(p.abs().max().item<float>(), 0.01f);
  }
  EXPECT_GT(nets.d->parameters()[0].abs().max().item<float>(), 0.009f);  // clipping, not zeroing
}

// D's loss is the adversarial loss plus the weighted penalty, evaluated where the penalty
// functions evaluate it (same random draws), and Update reports the penalty.
TEST(AlternatingUpdaterTest, GradientPenaltiesAreAddedAndReported) {
  using PenaltyFunction = std::function<torch::Tensor(const Critic&, const torch::Tensor&,
                                                      const torch::Tensor&)>;
  const std::pair<std::string, PenaltyFunction> penalties[] = {
      {"wgan_gp", [](const Critic& c, const torch::Tensor& r,
                     const torch::Tensor& f) { return WganGpPenalty(c, r, f, 3.0); }},
      {"dragan", [](const Critic& c, const torch::Tensor& r,
                    const torch::Tensor&) { return DraganPenalty(c, r, 3.0); }},
      {"r1", [](const Critic& c, const torch::Tensor& r,
                const torch::Tensor&) { return R1Penalty(c, r, 3.0); }}};
  for (const auto& [name, penalty] : penalties) {
    SCOPED_TRACE(name);
    Nets nets = TinyDcgan();
    AlternatingUpdaterOptions options;
    options.terms = {*LossTermByName(name, {{"weight", 3.0}})};
    AlternatingUpdater updater(nets.g, nets.d, *AdversarialLossByName("wasserstein"), options);
    const torch::Tensor real = RealBatch().images;
    const torch::Tensor fakes = torch::rand({8, 1, 32, 32}) * 2 - 1;
    const Critic critic = [&](const torch::Tensor& x) { return nets.d->forward(x); };
    const double adversarial =
        (nets.d->forward(fakes).mean() - nets.d->forward(real).mean()).item<double>();
    torch::manual_seed(31);
    const double expected_penalty = penalty(critic, real, fakes).item<double>();
    ASSERT_GT(expected_penalty, 1e-3);
    torch::manual_seed(31);
    EXPECT_NEAR(updater.DiscriminatorStep(real, {}, fakes).item<double>(),
                adversarial + expected_penalty, 1e-4 * (1 + std::abs(adversarial + expected_penalty)));
    const auto losses = updater.Update(RealBatch(), 0);
    ASSERT_EQ(losses.count("penalty_d"), 1u);
    EXPECT_GT(losses.at("penalty_d").item<double>(), 0);
  }
  Nets nets = TinyDcgan();
  AlternatingUpdater plain = MakeUpdater(nets, {});
  EXPECT_EQ(plain.Update(RealBatch(), 0).count("penalty_d"), 0u);
}

TEST(AlternatingUpdaterTest, JointBatchNormDiffersFromSeparateOnlyThroughBatchNorm) {
  for (bool batch_norm : {false, true}) {
    DcganSpec spec = StandardDcganSpec(32, 1, 4, 8);
    for (auto& layer : spec.discriminator.layers) layer.batch_norm = batch_norm;
    double loss[2];
    for (bool joint : {false, true}) {
      torch::manual_seed(3);
      auto g = MakeDcganGenerator(spec);
      auto d = MakeDcganDiscriminator(spec);
      AlternatingUpdaterOptions options;
      options.joint_batch_norm = joint;
      AlternatingUpdater updater(g, d, *AdversarialLossByName("hinge"), options);
      torch::manual_seed(4);
      const torch::Tensor real = torch::rand({8, 1, 32, 32}) * 2 - 1;
      const torch::Tensor fakes = torch::rand({8, 1, 32, 32}) * 2 - 1;
      loss[joint] = updater.DiscriminatorStep(real, {}, fakes).item<double>();
    }
    if (batch_norm) {
      EXPECT_GT(std::abs(loss[0] - loss[1]), 1e-4);
    } else {
      EXPECT_NEAR(loss[0], loss[1], 1e-5);
    }
  }
}

TEST(AlternatingUpdaterTest, FeatureMatchingObjective) {
  Nets nets = TinyDcgan();
  AlternatingUpdaterOptions options;
  options.terms = {*LossTermByName("feature_matching", {{"distance", "squared_l2"}})};
  AlternatingUpdater updater = MakeUpdater(nets, options);
  const Batch batch = RealBatch();
  torch::manual_seed(9);
  const auto [loss, fakes, latents] = updater.GeneratorStep(batch.images, {});
  for (const auto& p : nets.d->parameters()) EXPECT_FALSE(p.grad().defined());
  // Recompute ||E f(real) - E f(fake)||^2 with the same fakes (D is unchanged by G's step).
  torch::NoGradGuard no_grad;
  const torch::Tensor expected = (nets.d->features(batch.images, {}).flatten(1).mean(0) -
                                  nets.d->features(fakes, {}).flatten(1).mean(0))
                                     .pow(2)
                                     .sum();
  // BatchNorm batch statistics make the second pass differ slightly from the first only
  // through running-stat updates, which training-mode forward passes do not read.
  EXPECT_NEAR(loss.item<double>(), expected.item<double>(), 1e-4 * (1 + expected.item<double>()));
}

TEST(AlternatingUpdaterTest, UnrollingChangesGeneratorButNeverTheRealDiscriminator) {
  const Batch batch = RealBatch();
  std::vector<torch::Tensor> d_after[2], g_after[2];
  float next_draw[2];
  for (int unroll : {0, 3}) {
    Nets nets = TinyDcgan();
    AlternatingUpdaterOptions options;
    options.unroll_steps = unroll;
    AlternatingUpdater updater = MakeUpdater(nets, options);
    torch::manual_seed(21);
    updater.DiscriminatorStep(batch.images, {}, {});
    // The look-ahead steps draw one latent batch each; without them, the same draws are
    // made here, so that both G steps see the same latents and differ through D alone.
    if (unroll == 0) {
      for (int k = 0; k < 3; ++k) nets.g->SampleLatent(8, torch::kCPU);
    }
    updater.GeneratorStep(batch.images, {});
    next_draw[unroll > 0] = torch::rand({1}).item<float>();
    // One more D step on fixed inputs also exercises the restored optimizer state. (D's
    // BatchNorm running statistics are not compared: D always runs in training mode, and
    // the unrolled G step restores them to their values before that step.)
    torch::manual_seed(22);
    updater.DiscriminatorStep(batch.images, {}, torch::rand({8, 1, 32, 32}) * 2 - 1);
    d_after[unroll > 0] = Snapshot(*nets.d);
    g_after[unroll > 0] = Snapshot(*nets.g);
  }
  ASSERT_EQ(next_draw[0], next_draw[1]) << "the two runs' random draws are not aligned";
  ASSERT_EQ(d_after[0].size(), d_after[1].size());
  for (size_t i = 0; i < d_after[0].size(); ++i) {
    EXPECT_TRUE(d_after[0][i].equal(d_after[1][i])) << "D tensor " << i;
  }
  bool g_differs = false;
  for (size_t i = 0; i < g_after[0].size(); ++i) g_differs |= !g_after[0][i].equal(g_after[1][i]);
  EXPECT_TRUE(g_differs) << "unrolling had no effect on G";
}

}  // namespace
}  // namespace gan

namespace gan {
namespace {

// A real batch with one NaN pixel makes D's loss and gradients NaN; G's step (on fakes
// only) stays finite.
Batch PoisonedBatch() {
  Batch batch = RealBatch();
  batch.images[0][0][5][5] = std::nan("");
  return batch;
}

TEST(AlternatingUpdaterSkipTest, NonFiniteStepIsSkippedCountedAndLeftOutOfTheLosses) {
  Nets nets = TinyDcgan();
  AlternatingUpdaterOptions options;
  options.skip_nonfinite_steps = true;
  AlternatingUpdater updater = MakeUpdater(nets, options);
  const auto d_before = Snapshot(*nets.d);
  const auto g_before = Snapshot(*nets.g);
  auto losses = updater.Update(PoisonedBatch(), 0);
  EXPECT_EQ(losses.count("loss_d"), 0u);
  ASSERT_EQ(losses.count("loss_g"), 1u);
  EXPECT_TRUE(std::isfinite(losses["loss_g"].item<double>()));
  EXPECT_EQ(losses["skipped_steps"].item<double>(), 1.0);
  EXPECT_FALSE(Changed(*nets.d, d_before));  // the NaN step never reached D's weights
  EXPECT_TRUE(Changed(*nets.g, g_before));
  for (const auto& p : nets.d->parameters()) EXPECT_TRUE(torch::isfinite(p).all().item<bool>());

  losses = updater.Update(RealBatch(), 1);
  EXPECT_EQ(losses.count("loss_d"), 1u);
  EXPECT_EQ(losses["skipped_steps"].item<double>(), 1.0);
  EXPECT_TRUE(Changed(*nets.d, d_before));

  // The count survives a checkpoint.
  torch::serialize::OutputArchive out;
  updater.Save(out);
  Nets other_nets = TinyDcgan();
  AlternatingUpdater restored = MakeUpdater(other_nets, options);
  torch::serialize::InputArchive in = ReadBackInMemory(out);
  restored.Load(in);
  EXPECT_EQ(restored.Update(RealBatch(), 2)["skipped_steps"].item<double>(), 1.0);
}

TEST(AlternatingUpdaterSkipTest, PastTheLimitTheNonFiniteLossIsReturned) {
  Nets nets = TinyDcgan();
  AlternatingUpdaterOptions options;
  options.skip_nonfinite_steps = true;
  options.max_skipped_steps = 1;
  AlternatingUpdater updater = MakeUpdater(nets, options);
  EXPECT_EQ(updater.Update(PoisonedBatch(), 0).count("loss_d"), 0u);
  auto losses = updater.Update(PoisonedBatch(), 1);
  ASSERT_EQ(losses.count("loss_d"), 1u);
  EXPECT_TRUE(std::isnan(losses["loss_d"].item<double>()));
  EXPECT_EQ(losses["skipped_steps"].item<double>(), 2.0);
}

TEST(AlternatingUpdaterSkipTest, WithoutSkippingTheStepIsApplied) {
  Nets nets = TinyDcgan();
  AlternatingUpdater updater = MakeUpdater(nets, {});
  auto losses = updater.Update(PoisonedBatch(), 0);
  EXPECT_TRUE(std::isnan(losses["loss_d"].item<double>()));
  EXPECT_EQ(losses.count("skipped_steps"), 0u);
  bool any_nan = false;
  for (const auto& p : nets.d->parameters()) any_nan |= !torch::isfinite(p).all().item<bool>();
  EXPECT_TRUE(any_nan);  // what skipping prevents
}

}  // namespace
}  // namespace gan

namespace gan {
namespace {

// G's and D's parameters, flattened into one vector.
torch::Tensor Flat(const Nets& nets) {
  std::vector<torch::Tensor> flat;
  for (const auto& p : nets.g->parameters()) flat.push_back(p.detach().reshape(-1));
  for (const auto& p : nets.d->parameters()) flat.push_back(p.detach().reshape(-1));
  return torch::cat(flat);
}

// Trains a few iterations from the same start; returns G's and D's parameters.
torch::Tensor TrainFewSteps(AlternatingUpdaterOptions options) {
  Nets nets = TinyDcgan();
  AlternatingUpdater updater = MakeUpdater(nets, options);
  torch::manual_seed(11);
  const Batch batch = RealBatch();
  for (int step = 0; step < 5; ++step) updater.Update(batch, step);
  return Flat(nets);
}

TEST(AlternatingUpdaterMixedPrecisionTest, Bfloat16RunStaysFiniteAndCloseToFloat32) {
  const torch::Tensor start = Flat(TinyDcgan());
  const torch::Tensor fp32 = TrainFewSteps({});
  AlternatingUpdaterOptions options;
  options.mixed_precision = MixedPrecision::kBfloat16;
  const torch::Tensor bf16 = TrainFewSteps(options);
  EXPECT_EQ(bf16.scalar_type(), torch::kFloat);  // parameters stay float32
  EXPECT_TRUE(torch::isfinite(bf16).all().item<bool>());
  // bf16 has 8 significant bits and Adam's first steps are nearly sign(gradient): the runs
  // differ (about 11% of the distance trained here), but stay on the same path.
  const double moved = (fp32 - start).norm().item<double>();
  const double apart = (bf16 - fp32).norm().item<double>();
  EXPECT_GT(apart, 0.0);
  EXPECT_LT(apart, 0.25 * moved) << "moved " << moved << ", apart " << apart;
  EXPECT_THROW(AutocastScope(torch::kCPU, MixedPrecision::kFloat16), c10::Error);
}

// A power-of-two loss scale and its inverse are exact: scaled training is unscaled
// training, bit for bit, as long as nothing overflows.
TEST(AlternatingUpdaterLossScalingTest, ScaledTrainingIsUnscaledTrainingBitForBit) {
  const torch::Tensor plain = TrainFewSteps({});
  AlternatingUpdaterOptions options;
  options.loss_scaling = true;
  EXPECT_TRUE(torch::equal(TrainFewSteps(options), plain));
}

TEST(AlternatingUpdaterLossScalingTest, OverflowSkipsBothStepsHalvesTheScalesAndResumes) {
  Nets nets = TinyDcgan();
  AlternatingUpdaterOptions options;
  options.loss_scaling = true;
  options.loss_scaler.init_scale(1e300);  // beyond float32: every scaled loss is Inf
  AlternatingUpdater updater = MakeUpdater(nets, options);
  const auto g_before = Snapshot(*nets.g);
  const auto d_before = Snapshot(*nets.d);
  updater.Update(RealBatch(), 0);
  EXPECT_FALSE(Changed(*nets.g, g_before));
  EXPECT_FALSE(Changed(*nets.d, d_before));
  EXPECT_EQ(updater.loss_scaler_g().scale(), 5e299);
  EXPECT_EQ(updater.loss_scaler_d().scale(), 5e299);

  // The scales come back from a checkpoint; without loss scaling nothing is stored.
  torch::serialize::OutputArchive out;
  updater.Save(out);
  torch::serialize::InputArchive in = ReadBackInMemory(out);
  Nets other = TinyDcgan();
  AlternatingUpdater resumed = MakeUpdater(other, options);
  resumed.Load(in);
  EXPECT_EQ(resumed.loss_scaler_g().scale(), 5e299);
  EXPECT_EQ(resumed.loss_scaler_d().scale(), 5e299);
  torch::Tensor stored;
  EXPECT_TRUE(in.try_read("loss_scale_d/scale", stored));
}

// The drift term adds weight * mean(D(real)^2) to D's loss, computed before the step.
TEST(AlternatingUpdaterTest, DriftTermAddsTheMeanSquaredRealLogit) {
  const Batch real = RealBatch();
  const torch::Tensor fakes = torch::rand({8, 1, 32, 32}) * 2 - 1;
  torch::Tensor plain_loss, drift_loss, real_logits;
  {
    Nets nets = TinyDcgan();
    AlternatingUpdater updater = MakeUpdater(nets, {});
    {
      torch::NoGradGuard no_grad;
      real_logits = nets.d->forward(real.images, torch::Tensor());
    }
    plain_loss = updater.DiscriminatorStep(real.images, torch::Tensor(), fakes);
  }
  {
    Nets nets = TinyDcgan();
    AlternatingUpdaterOptions options;
    options.terms = {*LossTermByName("drift", {{"weight", 0.5}})};
    AlternatingUpdater updater = MakeUpdater(nets, options);
    drift_loss = updater.DiscriminatorStep(real.images, torch::Tensor(), fakes);
  }
  const double expected = 0.5 * real_logits.square().mean().item<double>();
  EXPECT_GT(expected, 1e-4);
  EXPECT_NEAR((drift_loss - plain_loss).item<double>(), expected, 1e-5);
}

// Channels-last changes strides only: the convolutions' weights are NHWC after
// construction, and training computes what NCHW training computes, up to float rounding.
TEST(AlternatingUpdaterChannelsLastTest, TrainsLikeTheDefaultFormat) {
  AlternatingUpdaterOptions options;
  options.channels_last = true;
  {
    Nets nets = TinyDcgan();
    AlternatingUpdater updater = MakeUpdater(nets, options);
    int64_t four_dimensional = 0;
    for (const auto& p : nets.d->parameters()) {
      if (p.dim() != 4) continue;
      ++four_dimensional;
      EXPECT_TRUE(p.is_contiguous(torch::MemoryFormat::ChannelsLast));
    }
    EXPECT_GT(four_dimensional, 0);
  }
  const torch::Tensor start = Flat(TinyDcgan());
  const torch::Tensor nchw = TrainFewSteps({});
  const torch::Tensor nhwc = TrainFewSteps(options);
  const double moved = (nchw - start).norm().item<double>();
  const double apart = (nhwc - nchw).norm().item<double>();
  EXPECT_LT(apart, 1e-4 * moved) << "moved " << moved << ", apart " << apart;
}

TEST(AlternatingUpdaterTest, LearningRateScheduleSetsBothRatesFromTheIteration) {
  Nets nets = TinyDcgan();
  AlternatingUpdaterOptions options;
  options.optimizer_g.lr = 2e-4;
  options.optimizer_d.lr = 4e-4;
  options.learning_rate_schedule = {LearningRateSchedule::Kind::kLinear, 10, 20};
  AlternatingUpdater updater = MakeUpdater(nets, options);
  auto lr = [](const torch::optim::Optimizer& optimizer) {
    return optimizer.param_groups()[0].options().get_lr();
  };
  updater.Update(RealBatch(), 15);  // halfway through the decay
  EXPECT_DOUBLE_EQ(lr(updater.optimizer_g()), 1e-4);
  EXPECT_DOUBLE_EQ(lr(updater.optimizer_d()), 2e-4);
  updater.Update(RealBatch(), 3);  // before the decay starts
  EXPECT_DOUBLE_EQ(lr(updater.optimizer_g()), 2e-4);
  EXPECT_DOUBLE_EQ(lr(updater.optimizer_d()), 4e-4);
}

// A term with state: its D part is the number of D steps it has seen (logged as
// "count_d"), its G part the mean of the fakes' logits it was shown.
class CountingTerm : public LossTerm {
 public:
  torch::Tensor Discriminator(StepContext& step) override {
    EXPECT_TRUE(step.fake_logits().defined());
    return torch::tensor(static_cast<float>(++count_));
  }
  torch::Tensor Generator(StepContext& step) override { return step.output().logits.mean() * 0; }
  std::string log_name() const override { return "count"; }
  void Save(torch::serialize::OutputArchive& archive, const std::string& prefix) const override {
    archive.write(prefix + "count", torch::tensor(count_));
  }
  void Load(torch::serialize::InputArchive& archive, const std::string& prefix) override {
    torch::Tensor count;
    archive.read(prefix + "count", count);
    count_ = count.item<int64_t>();
  }

 private:
  int64_t count_ = 0;
};

TEST(AlternatingUpdaterTermsTest, TermStateIsCheckpointedAndSurvivesNoLookAhead) {
  Nets nets = TinyDcgan();
  AlternatingUpdaterOptions options;
  options.unroll_steps = 2;  // look-ahead D steps must not advance the count
  options.terms = {{"counting", std::make_shared<CountingTerm>()}};
  AlternatingUpdater updater = MakeUpdater(nets, options);
  for (int i = 0; i < 3; ++i) {
    const auto losses = updater.Update(RealBatch(), i);
    ASSERT_EQ(losses.count("count_d"), 1u);
    EXPECT_EQ(losses.at("count_d").item<float>(), i + 1.0f);
    EXPECT_EQ(losses.count("count_g"), 1u);
  }
  torch::serialize::OutputArchive out;
  updater.Save(out);
  torch::serialize::InputArchive in = ReadBackInMemory(out);
  torch::Tensor stored;
  EXPECT_TRUE(in.try_read("terms/counting/count", stored));

  Nets other = TinyDcgan();
  options.terms = {{"counting", std::make_shared<CountingTerm>()}};
  AlternatingUpdater resumed = MakeUpdater(other, options);
  resumed.Load(in);
  EXPECT_EQ(resumed.Update(RealBatch(), 3).at("count_d").item<float>(), 4.0f);
}

// Replaces every image by zeros (keeping the graph, so G's gradient through it is 0), and
// counts the images it was given.
class ZeroingAugmentation : public Augmentation {
 public:
  torch::Tensor Apply(const torch::Tensor& images) override {
    calls_.push_back(images.size(0));
    return images * 0;
  }
  const std::vector<int64_t>& calls() const { return calls_; }

 private:
  std::vector<int64_t> calls_;
};

TEST(AlternatingUpdaterAugmentationTest, DSeesRealAndFakeImagesOnlyThroughTheAugmentation) {
  Nets nets = TinyDcgan();
  auto augmentation = std::make_shared<ZeroingAugmentation>();
  AlternatingUpdaterOptions options;
  options.augmentation = augmentation;
  AlternatingUpdater updater = MakeUpdater(nets, options);
  // D's hinge loss when both its inputs are zeros, whatever the real batch and the fakes.
  const double logit = nets.d->forward(torch::zeros({8, 1, 32, 32})).mean().item<double>();
  const double expected = std::max(0.0, 1 - logit) + std::max(0.0, 1 + logit);
  const torch::Tensor real = RealBatch().images;
  EXPECT_NEAR(updater.DiscriminatorStep(real, {}, torch::rand({8, 1, 32, 32})).item<double>(),
              expected, 1e-5);
  EXPECT_EQ(augmentation->calls(), (std::vector<int64_t>{8, 8}));
  // G's step: D sees G's fakes through the augmentation too, so (zeroed) they give G no
  // gradient and Adam leaves G as it is.
  const auto g_before = Snapshot(*nets.g);
  updater.GeneratorStep(real, {});
  EXPECT_FALSE(Changed(*nets.g, g_before));
  EXPECT_EQ(augmentation->calls(), (std::vector<int64_t>{8, 8, 8}));
  // Without it, the same step changes G.
  Nets plain_nets = TinyDcgan();
  AlternatingUpdater plain = MakeUpdater(plain_nets, {});
  const auto plain_before = Snapshot(*plain_nets.g);
  plain.GeneratorStep(real, {});
  EXPECT_TRUE(Changed(*plain_nets.g, plain_before));
}

TEST(AlternatingUpdaterAugmentationTest, JointBatchNormAugmentsBothHalvesAndTermsSeeDThroughIt) {
  Nets nets = TinyDcgan();
  auto augmentation = std::make_shared<ZeroingAugmentation>();
  AlternatingUpdaterOptions options;
  options.augmentation = augmentation;
  options.joint_batch_norm = true;
  options.terms = {*LossTermByName("r1", {{"weight", 1.0}})};
  AlternatingUpdater updater = MakeUpdater(nets, options);
  const auto losses = updater.Update(RealBatch(), 0);
  // D's step: real, fakes, then R1's critic on the real batch; G's step: its fakes.
  EXPECT_EQ(augmentation->calls(), (std::vector<int64_t>{8, 8, 8, 8}));
  // R1 through a zeroing augmentation: D's output does not depend on the real images.
  EXPECT_EQ(losses.at("penalty_d").item<double>(), 0.0);
}

// Counts the D steps it observed (checkpointed) and checks what it is given.
class ObservingAugmentation : public Augmentation {
 public:
  torch::Tensor Apply(const torch::Tensor& images) override { return images; }
  void ObserveRealLogits(const torch::Tensor& logits, int64_t global_batch_size,
                         const RankMean& mean_over_ranks) override {
    EXPECT_EQ(logits.dim(), 1);
    EXPECT_EQ(logits.size(0), global_batch_size);
    EXPECT_FALSE(logits.requires_grad());
    EXPECT_EQ(mean_over_ranks, nullptr);  // one process
    ++observed_;
  }
  void Save(torch::serialize::OutputArchive& archive, const std::string& prefix) const override {
    archive.write(prefix + "observed", torch::tensor(observed_));
  }
  void Load(torch::serialize::InputArchive& archive, const std::string& prefix) override {
    torch::Tensor observed;
    archive.read(prefix + "observed", observed);
    observed_ = observed.item<int64_t>();
  }
  std::map<std::string, torch::Tensor> Logs() const override {
    return {{"augment_observed", torch::tensor(static_cast<float>(observed_))}};
  }

 private:
  int64_t observed_ = 0;
};

TEST(AlternatingUpdaterAugmentationTest, AdaptiveStateSeesAppliedDStepsOnlyAndIsCheckpointed) {
  Nets nets = TinyDcgan();
  AlternatingUpdaterOptions options;
  options.unroll_steps = 2;  // look-ahead D steps must not count
  options.augmentation = std::make_shared<ObservingAugmentation>();
  AlternatingUpdater updater = MakeUpdater(nets, options);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(updater.Update(RealBatch(), i).at("augment_observed").item<float>(), i + 1.0f);
  }
  torch::serialize::OutputArchive out;
  updater.Save(out);
  torch::serialize::InputArchive in = ReadBackInMemory(out);
  Nets other = TinyDcgan();
  options.augmentation = std::make_shared<ObservingAugmentation>();
  AlternatingUpdater resumed = MakeUpdater(other, options);
  resumed.Load(in);
  EXPECT_EQ(resumed.Update(RealBatch(), 3).at("augment_observed").item<float>(), 4.0f);
}

}  // namespace
}  // namespace gan

namespace gan {
namespace {

// Records each step's latents, and whether G makes the step's fakes from them.
class LatentsSpy : public LossTerm {
 public:
  torch::Tensor Discriminator(StepContext& step) override { return Check(step); }
  torch::Tensor Generator(StepContext& step) override { return Check(step); }
  std::vector<torch::Tensor> latents;
  std::vector<bool> made_from;

 private:
  torch::Tensor Check(StepContext& step) {
    torch::NoGradGuard no_grad;
    latents.push_back(step.latents());
    made_from.push_back(step.latents().defined() &&
                        step.generator().forward(step.latents(), step.labels()).allclose(step.fakes(), 1e-5));
    return {};
  }
};

TEST(AlternatingUpdaterTermsTest, TermsSeeTheLatentsOfTheirStepsFakes) {
  for (const bool generator_first : {false, true}) {
    Nets nets = TinyDcgan();
    auto spy = std::make_shared<LatentsSpy>();
    AlternatingUpdaterOptions options;
    options.generator_first = generator_first;
    options.terms = {{"spy", spy}};
    AlternatingUpdater updater = MakeUpdater(nets, options);
    updater.Update(RealBatch(), 0);
    ASSERT_EQ(spy->latents.size(), 2u);
    const size_t d_step = generator_first ? 1 : 0, g_step = 1 - d_step;
    EXPECT_TRUE(spy->made_from[g_step]) << "generator_first " << generator_first;
    if (generator_first) {
      // D's step reuses the fakes G made before its own update (G updated no longer makes
      // them): the latents come with them.
      ASSERT_TRUE(spy->latents[d_step].defined());
      EXPECT_TRUE(spy->latents[d_step].equal(spy->latents[g_step]));
    } else {
      EXPECT_TRUE(spy->made_from[d_step]);
      EXPECT_FALSE(spy->latents[d_step].equal(spy->latents[g_step]));  // fresh draws
    }
  }
  Nets nets = TinyDcgan();
  AlternatingUpdaterOptions options;
  options.terms = {*LossTermByName("zcr")};
  AlternatingUpdater updater = MakeUpdater(nets, options);
  const auto losses = updater.Update(RealBatch(), 0);
  ASSERT_TRUE(losses.count("consistency_d") && losses.count("consistency_g"));
  EXPECT_GT(losses.at("consistency_d").item<double>(), 0.0);
  EXPECT_LT(losses.at("consistency_g").item<double>(), 0.0);
  // G first, zCR would compare D(G_before(z)) with D(G_after(z + e)): refused.
  options.generator_first = true;
  EXPECT_THROW(MakeUpdater(TinyDcgan(), options), c10::Error);
}

// Networks without batch statistics, for which a step over parts of a batch equals a step
// over the whole of it.
// `smooth`: tanh instead of leaky ReLU inside, for finite differences.
torch::nn::AnyModule Activation(bool smooth) {
  return smooth ? torch::nn::AnyModule(torch::nn::Tanh()) : torch::nn::AnyModule(torch::nn::LeakyReLU());
}

class PlainGenerator : public GeneratorModule {
 public:
  explicit PlainGenerator(bool smooth = false) {
    net_ = register_module("net", torch::nn::Sequential(torch::nn::Linear(4, 16)));
    net_->push_back(Activation(smooth));
    net_->push_back(torch::nn::Linear(16, 16));
    net_->push_back(torch::nn::Tanh());
  }
  using GeneratorModule::forward;
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor&) override {
    return net_->forward(z).view({-1, 1, 4, 4});
  }
  int64_t latent_dim() const override { return 4; }
  int64_t image_size() const override { return 4; }
  int64_t image_channels() const override { return 1; }

 private:
  torch::nn::Sequential net_{nullptr};
};

class PlainDiscriminator : public DiscriminatorModule {
 public:
  explicit PlainDiscriminator(bool smooth = false) {
    net_ = register_module("net", torch::nn::Sequential(torch::nn::Flatten(), torch::nn::Linear(16, 16)));
    net_->push_back(Activation(smooth));
    net_->push_back(torch::nn::Linear(16, 1));
  }
  using DiscriminatorModule::forward;
  torch::Tensor forward(const torch::Tensor& images, const torch::Tensor&) override {
    return net_->forward(images).view({-1});
  }

 private:
  torch::nn::Sequential net_{nullptr};
};

struct PlainNets {
  std::shared_ptr<PlainGenerator> g;
  std::shared_ptr<PlainDiscriminator> d;
};

// Modules and tensors made while it lives are double (finite differences need them).
class DoublePrecision {
 public:
  DoublePrecision() { c10::set_default_dtype(caffe2::TypeMeta::Make<double>()); }
  ~DoublePrecision() { c10::set_default_dtype(caffe2::TypeMeta::Make<float>()); }
};

// G's gradient in the second-order form is the derivative of G's loss after K SGD steps of
// D, taken through those steps: checked along random directions against central finite
// differences of that loss, computed by a plain loop (K steps theta -= lr * dL_D/dtheta on
// the same latents, then G's loss), in double precision. The first-order gradient is not.
// (With the tiny DCGAN the two agree as well, to the finite differences' 1e-8 steps that
// ReLU's kinks allow.)
TEST(AlternatingUpdaterTest, SecondOrderUnrollingDifferentiatesThroughTheLookAheadSteps) {
  DoublePrecision double_precision;
  const int steps = 2;
  const double lr = 0.2;
  const AdversarialLoss bce = *AdversarialLossByName("bce");
  torch::manual_seed(3);
  // Smooth networks: finite differences of ReLU networks cross kinks.
  PlainNets nets{std::make_shared<PlainGenerator>(/*smooth=*/true),
            std::make_shared<PlainDiscriminator>(/*smooth=*/true)};
  const Batch batch{torch::rand({8, 1, 4, 4}) * 2 - 1, torch::Tensor()};
  const std::vector<torch::Tensor> d_start = Snapshot(*nets.d), g_start = Snapshot(*nets.g);
  const auto set = [](torch::nn::Module& m, const std::vector<torch::Tensor>& values) {
    torch::NoGradGuard no_grad;
    auto params = m.parameters();
    for (size_t i = 0; i < params.size(); ++i) params[i].copy_(values[i]);
  };
  // G's loss after the look-ahead, for G's weights `phi`.
  const auto loss_after_look_ahead = [&](const std::vector<torch::Tensor>& phi) {
    set(*nets.g, phi);
    set(*nets.d, d_start);
    torch::manual_seed(31);
    std::vector<torch::Tensor> latents;
    for (int k = 0; k <= steps; ++k) latents.push_back(nets.g->SampleLatent(8, torch::kCPU));
    for (int k = 0; k < steps; ++k) {
      torch::Tensor fakes;
      {
        torch::NoGradGuard no_grad;
        fakes = nets.g->forward(latents[k], {});
      }
      const torch::Tensor d_loss = bce.discriminator(nets.d->forward(batch.images, {}),
                                                     nets.d->forward(fakes, {}));
      const auto params = nets.d->parameters();
      const auto grads = torch::autograd::grad({d_loss}, params);
      torch::NoGradGuard no_grad;
      for (size_t i = 0; i < params.size(); ++i) params[i].sub_(lr * grads[i]);
    }
    torch::NoGradGuard no_grad;
    return bce.generator(nets.d->forward(nets.g->forward(latents[steps], {}), {})).item<double>();
  };
  const auto updater_gradient = [&](bool second_order) {
    set(*nets.g, g_start);
    set(*nets.d, d_start);
    AlternatingUpdaterOptions options;
    options.unroll_steps = steps;
    options.unroll_order = second_order ? UnrollOrder::kSecond : UnrollOrder::kFirst;
    options.optimizer_d.kind = options.optimizer_g.kind = OptimizerOptions::Kind::kSgd;
    options.optimizer_d.beta1 = options.optimizer_g.beta1 = 0.0;
    options.optimizer_d.lr = lr;
    AlternatingUpdater updater(nets.g, nets.d, bce, options);
    torch::manual_seed(31);
    updater.GeneratorStep(batch.images, {});
    std::vector<torch::Tensor> gradient;
    for (const auto& p : nets.g->parameters()) gradient.push_back(p.grad().clone());
    EXPECT_FALSE(Changed(*nets.d, d_start)) << "the look-ahead reached D's weights";
    return gradient;
  };
  const std::vector<torch::Tensor> second = updater_gradient(true);
  const std::vector<torch::Tensor> first = updater_gradient(false);
  torch::manual_seed(8);
  for (int direction = 0; direction < 3; ++direction) {
    std::vector<torch::Tensor> plus, minus;
    double along_second = 0, along_first = 0;
    const double h = 1e-5;
    for (size_t i = 0; i < g_start.size(); ++i) {
      const torch::Tensor u = torch::randn_like(g_start[i]);
      plus.push_back(g_start[i] + h * u);
      minus.push_back(g_start[i] - h * u);
      along_second += (second[i] * u).sum().item<double>();
      along_first += (first[i] * u).sum().item<double>();
    }
    const double finite =
        (loss_after_look_ahead(plus) - loss_after_look_ahead(minus)) / (2 * h);
    SCOPED_TRACE(direction);
    EXPECT_NEAR(along_second, finite, 1e-6 * (1 + std::abs(finite)));
    EXPECT_GT(std::abs(along_first - finite), 1e-3 * (1 + std::abs(finite)))
        << "first order " << along_first << ", finite differences " << finite;
  }
}

// G's and D's parameters after three iterations on batches of 6 in `parts` parts, and the
// losses logged by the last.
std::pair<torch::Tensor, std::map<std::string, torch::Tensor>> TrainInParts(
    int parts, bool generator_first) {
  torch::manual_seed(11);
  auto g = std::make_shared<PlainGenerator>();
  auto d = std::make_shared<PlainDiscriminator>();
  AlternatingUpdaterOptions options;
  options.generator_first = generator_first;
  options.accumulation_steps = parts;
  options.terms = {*LossTermByName("r1", {{"weight", 1.0}})};
  // SGD with momentum: its step is linear in the gradient (Adam would turn the rounding of
  // gradients near 0 into whole steps).
  for (OptimizerOptions* optimizer : {&options.optimizer_g, &options.optimizer_d}) {
    optimizer->kind = OptimizerOptions::Kind::kSgd;
    optimizer->lr = 0.05;
    optimizer->beta1 = 0.5;
  }
  AlternatingUpdater updater(g, d, *AdversarialLossByName("hinge"), options);
  torch::manual_seed(12);
  std::map<std::string, torch::Tensor> losses;
  for (int64_t iteration = 0; iteration < 3; ++iteration) {
    losses = updater.Update({torch::rand({6, 1, 4, 4}) * 2 - 1, torch::Tensor()}, iteration);
  }
  std::vector<torch::Tensor> flat;
  for (const auto& p : g->parameters()) flat.push_back(p.detach().reshape(-1));
  for (const auto& p : d->parameters()) flat.push_back(p.detach().reshape(-1));
  return {torch::cat(flat), losses};
}

TEST(AlternatingUpdaterAccumulationTest, StepsOverPartsOfABatchEqualOneStepOverTheWhole) {
  for (const bool generator_first : {false, true}) {
    const auto [whole, whole_losses] = TrainInParts(1, generator_first);
    torch::manual_seed(11);
    const torch::Tensor initial = [] {
      const PlainGenerator g;
      const PlainDiscriminator d;
      std::vector<torch::Tensor> flat;
      for (const auto& p : g.parameters()) flat.push_back(p.detach().reshape(-1));
      for (const auto& p : d.parameters()) flat.push_back(p.detach().reshape(-1));
      return torch::cat(flat);
    }();
    EXPECT_GT((whole - initial).abs().max().item<double>(), 1e-3);  // training moved them
    // Two parts of 3, and three of 2; each part's loss weighted by its share.
    for (const int parts : {2, 3}) {
      const auto [accumulated, losses] = TrainInParts(parts, generator_first);
      EXPECT_LT((accumulated - whole).abs().max().item<double>(), 1e-5)
          << parts << " parts, generator_first " << generator_first;
      for (const char* name : {"loss_d", "loss_g", "penalty_d"}) {
        ASSERT_TRUE(losses.count(name)) << name;
        EXPECT_NEAR(losses.at(name).item<double>(), whole_losses.at(name).item<double>(), 1e-5)
            << name << ", " << parts << " parts";
      }
    }
  }
  // Parts of unequal size (6 rows in four parts: 1, 2, 1 and 2) weigh by their size.
  const auto [whole, whole_losses] = TrainInParts(1, false);
  EXPECT_LT((TrainInParts(4, false).first - whole).abs().max().item<double>(), 1e-5);
}

TEST(AlternatingUpdaterAccumulationTest, TermsThatNeedTheWholeBatchAreRefused) {
  Nets nets = TinyDcgan();
  AlternatingUpdaterOptions options;
  options.accumulation_steps = 2;
  options.terms = {*LossTermByName("lecam")};
  try {
    MakeUpdater(nets, options);
    FAIL() << "no error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("'lecam' needs the whole batch"), std::string::npos)
        << e.what();
  }
}


TEST(AlternatingUpdaterFreezeTest, FrozenBlocksKeepTheirWeightsThroughBothSteps) {
  for (const bool generator_first : {false, true}) {
    Nets nets = TinyDcgan();
    const std::vector<std::vector<torch::Tensor>> blocks = nets.d->block_parameters();
    ASSERT_EQ(blocks.size(), 3u);  // three strided convs at 32x32
    std::vector<std::vector<torch::Tensor>> before;
    for (const auto& block : blocks) {
      before.emplace_back();
      for (const auto& p : block) before.back().push_back(p.detach().clone());
    }
    const std::vector<torch::Tensor> head_before = Snapshot(*nets.d);
    AlternatingUpdaterOptions options;
    options.generator_first = generator_first;
    options.freeze_d_blocks = 2;
    AlternatingUpdater updater = MakeUpdater(nets, options);
    for (int64_t iteration = 0; iteration < 3; ++iteration) updater.Update(RealBatch(), iteration);
    for (size_t b = 0; b < blocks.size(); ++b) {
      bool changed = false;
      for (size_t i = 0; i < blocks[b].size(); ++i) changed |= !blocks[b][i].equal(before[b][i]);
      EXPECT_EQ(changed, b == 2) << "block " << b << ", generator_first " << generator_first;
    }
    EXPECT_TRUE(Changed(*nets.d, head_before));
  }
  Nets nets = TinyDcgan();
  AlternatingUpdaterOptions options;
  options.freeze_d_blocks = 4;
  EXPECT_THROW(MakeUpdater(nets, options), c10::Error);
}

}  // namespace
}  // namespace gan
