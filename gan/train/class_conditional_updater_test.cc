// The alternating updater's class-conditional losses (ACGAN, ReACGAN's D2D-CE) and
// BigGAN's orthogonal regularization, checked against the loss functions applied by hand.
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <torch/types.h>  // first: LibTorch 1.13's functional headers need it
#include <torch/nn/functional/normalization.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/utils.h>

#include "gan/losses/auxiliary_classifier.h"
#include "gan/losses/d2d_ce.h"
#include "gan/losses/hinge.h"
#include "gan/networks/dcgan/dcgan.h"
#include "gan/nn/orthogonal.h"
#include "gan/train/alternating_updater.h"

namespace gan {
namespace {

constexpr int64_t kClasses = 3;

// A deterministic D with every head output: linear maps of the flattened image.
class TestDiscriminator : public DiscriminatorModule {
 public:
  TestDiscriminator() {
    torch::manual_seed(5);
    adversarial_ = register_module("adversarial", torch::nn::Linear(32 * 32, 1));
    classifier_ = register_module("classifier", torch::nn::Linear(32 * 32, kClasses));
    projector_ = register_module("projector", torch::nn::Linear(32 * 32, 4));
    proxies_ = register_module("proxies", torch::nn::Embedding(kClasses, 4));
  }
  torch::Tensor forward(const torch::Tensor& images, const torch::Tensor& labels) override {
    return forward_all(images, labels).logits;
  }
  DiscriminatorOutput forward_all(const torch::Tensor& images, const torch::Tensor& labels) override {
    namespace F = torch::nn::functional;
    const torch::Tensor x = images.flatten(1);
    DiscriminatorOutput out;
    out.logits = adversarial_->forward(x).squeeze(1);
    out.extras["class_logits"] = classifier_->forward(x);
    out.extras["embeddings"] = F::normalize(projector_->forward(x), F::NormalizeFuncOptions().dim(1));
    out.extras["proxies"] = F::normalize(proxies_->forward(labels), F::NormalizeFuncOptions().dim(1));
    return out;
  }

 private:
  torch::nn::Linear adversarial_{nullptr}, classifier_{nullptr}, projector_{nullptr};
  torch::nn::Embedding proxies_{nullptr};
};

std::shared_ptr<DcganGenerator> TinyGenerator() {
  torch::manual_seed(3);
  return MakeDcganGenerator(StandardDcganSpec(32, 1, 4, 8));
}

const torch::Tensor& Labels() {
  static const torch::Tensor labels = torch::tensor({0, 1, 2, 1, 0, 2}, torch::kLong);
  return labels;
}

// The class term as the loss functions compute it, with D as it is now.
double ExpectedClassTerm(const std::string& kind, TestDiscriminator& d,
                         const torch::Tensor& images, double weight) {
  torch::NoGradGuard no_grad;
  const DiscriminatorOutput out = d.forward_all(images, Labels());
  if (kind == "acgan") {
    return weight * AuxiliaryClassifierLoss(out.extra("class_logits"), Labels()).item<double>();
  }
  // The term's default form: the authors' code's arithmetic.
  return weight * D2dCrossEntropy(out.extra("embeddings"), out.extra("proxies"), Labels(),
                                  {0.9, 0.3, D2dCrossEntropyOptions::Form::kStudioGan})
                      .item<double>();
}

// The class term `kind` with `weight` (and D2D-CE's margin 0.9, temperature 0.3).
NamedLossTerm ClassTerm(const std::string& kind, double weight) {
  nlohmann::json options = {{"weight", weight}};
  if (kind == "d2d_ce") options.update({{"margin", 0.9}, {"temperature", 0.3}});
  return *LossTermByName(kind, options);
}

class ClassLossTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ClassLossTest, DiscriminatorStepAddsTheWeightedClassLossOfRealImages) {
  auto d = std::make_shared<TestDiscriminator>();
  AlternatingUpdaterOptions options;
  options.terms = {ClassTerm(GetParam(), 0.5)};
  AlternatingUpdater updater(TinyGenerator(), d, *AdversarialLossByName("hinge"), options);
  torch::manual_seed(11);
  const torch::Tensor real = torch::rand({6, 1, 32, 32}) * 2 - 1;
  const torch::Tensor fakes = torch::rand({6, 1, 32, 32}) * 2 - 1;
  double hinge, class_term;
  {
    torch::NoGradGuard no_grad;
    hinge = HingeDiscriminatorLoss(d->forward(real, Labels()), d->forward(fakes, Labels()))
                .item<double>();
    class_term = ExpectedClassTerm(GetParam(), *d, real, 0.5);
  }
  ASSERT_GT(class_term, 0.0);
  const double loss = updater.DiscriminatorStep(real, Labels(), fakes).item<double>();
  EXPECT_NEAR(loss, hinge + class_term, 1e-5);
}

TEST_P(ClassLossTest, GeneratorStepAddsTheClassLossOfItsFakesAndUpdateLogsBoth) {
  auto d = std::make_shared<TestDiscriminator>();
  AlternatingUpdaterOptions options;
  options.terms = {ClassTerm(GetParam(), 2.0)};
  AlternatingUpdater updater(TinyGenerator(), d, *AdversarialLossByName("hinge"), options);
  torch::manual_seed(12);
  const Batch batch{torch::rand({6, 1, 32, 32}) * 2 - 1, Labels()};
  const auto losses = updater.Update(batch, 0);
  ASSERT_TRUE(losses.count("class_d"));
  ASSERT_TRUE(losses.count("class_g"));
  // The G step leaves D alone, so its fakes can be scored again afterwards.
  const auto [loss_g, fakes, latents] = updater.GeneratorStep(batch.images, Labels());
  const double class_g = ExpectedClassTerm(GetParam(), *d, fakes, 2.0);
  torch::NoGradGuard no_grad;
  const double hinge_g = HingeGeneratorLoss(d->forward(fakes, Labels())).item<double>();
  EXPECT_NEAR(loss_g.item<double>(), hinge_g + class_g, 1e-4);
}

INSTANTIATE_TEST_SUITE_P(AcganAndD2dCe, ClassLossTest,
                         ::testing::Values("acgan", "d2d_ce"));

TEST(ClassLossTest, NeedsTheMatchingHeadAndLabels) {
  AlternatingUpdaterOptions options;
  options.terms = {ClassTerm("acgan", 1.0)};
  const DcganSpec spec = StandardDcganSpec(32, 1, 4, 8);
  AlternatingUpdater updater(TinyGenerator(), MakeDcganDiscriminator(spec),
                             *AdversarialLossByName("hinge"), options);
  const torch::Tensor real = torch::rand({6, 1, 32, 32});
  try {
    updater.DiscriminatorStep(real, Labels(), {});
    FAIL() << "expected an error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("class_logits"), std::string::npos) << e.what();
  }
  AlternatingUpdater with_head(TinyGenerator(), std::make_shared<TestDiscriminator>(),
                               *AdversarialLossByName("hinge"), options);
  EXPECT_THROW(with_head.DiscriminatorStep(real, {}, {}), c10::Error);
}

TEST(OrthogonalRegularizationTest, IsAddedToTheGeneratorLoss) {
  double losses[2];
  double regularization = 0;
  for (int with = 0; with < 2; ++with) {
    auto g = TinyGenerator();  // same weights both times
    if (with) regularization = OrthogonalRegularization(*g, 0.01).item<double>();
    AlternatingUpdaterOptions options;
    if (with) options.terms = {*LossTermByName("orthogonal", {{"beta", 0.01}})};
    AlternatingUpdater updater(g, std::make_shared<TestDiscriminator>(),
                               *AdversarialLossByName("hinge"), options);
    torch::manual_seed(13);  // same latents both times
    losses[with] = updater.GeneratorStep(torch::zeros({6, 1, 32, 32}), Labels()).loss.item<double>();
  }
  ASSERT_GT(regularization, 0.0);
  EXPECT_NEAR(losses[1] - losses[0], regularization, 1e-4 * regularization + 1e-6);
}

}  // namespace
}  // namespace gan
