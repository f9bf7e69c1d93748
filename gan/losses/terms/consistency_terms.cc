// Consistency regularization: D should not care about transformations that keep an image
// what it is. Three terms, logged as "consistency_d" (and zCR's G part as
// "consistency_g"); every distance is the mean of squared differences of D's logits (of
// G's pixels, for zCR's G part), as PyTorch-StudioGAN's MSE:
//   "cr"  (Zhang et al. 2020, "Consistency Regularization for Generative Adversarial
//          Networks"):  weight · E[(D(x) − D(T(x)))²] on the real batch.
//         {"weight": 10, "translation_ratio": 0.125}
//   "bcr" (Zhao et al. 2021, "Improved Consistency Regularization for GANs", balanced):
//          weight_real · E[(D(x) − D(T(x)))²] + weight_fake · E[(D(G(z)) − D(T(G(z))))²]
//         {"weight_real": 10, "weight_fake": 10, "translation_ratio": 0.125}
//   "zcr" (the same paper, latent): D: weight_d · E[(D(G(z)) − D(G(z + ε)))²];
//          G: −weight_g · E[(G(z) − G(z + ε))²], ε ~ N(0, sigma²)
//         {"weight_d": 5, "weight_g": 0.5, "sigma": 0.03}
// T is the reference implementation's transform: a horizontal flip with probability 1/2,
// then a shift of each axis by a whole number of pixels drawn uniformly from
// [−r·side, r·side] (r = translation_ratio, rounded down), mirroring the image at its edges.
// D(x) and D(G(z)) are D's logits in the adversarial loss (of the augmented images when an
// augmentation is on); D(T(x)) and D(G(z + ε)) are D's logits of the transformed or
// perturbed images themselves, and the gradient flows through both sides, as in
// PyTorch-StudioGAN. The defaults are the papers' (zCR: sigma 0.03, weight_d 5, weight_g
// 0.5); PyTorch-StudioGAN's CIFAR-10 ICR configs use sigma ("radius") 0.05, weight_d 20.
// The reference also compares a class-conditional D's class outputs (ACGAN) or
// embeddings (D2D-CE); these terms compare the adversarial logits only.
#include "gan/losses/terms/consistency_terms.h"

#include <cmath>
#include <memory>
#include <string>

#include "gan/losses/terms/loss_term.h"
#include "gan/nn/image_augment.h"

namespace gan {

torch::Tensor ConsistencyTransform(const torch::Tensor& images, double translation_ratio) {
  const int64_t n = images.size(0);
  const auto on = torch::TensorOptions().device(images.device());
  const torch::Tensor flipped =
      FlipHorizontally(images, torch::rand({n}, on.dtype(torch::kFloat)) < 0.5);
  const auto shift = [&](int64_t side) {
    const int64_t most = static_cast<int64_t>(std::floor(side * translation_ratio));
    return torch::randint(-most, most + 1, {n}, on.dtype(torch::kLong));
  };
  return Translate(flipped, shift(images.size(2)), shift(images.size(3)),
                   TranslateFill::kReflect);
}

namespace {

// In at least float precision (logits under autocast are half or bfloat16).
torch::Tensor MeanSquaredDifference(const torch::Tensor& a, const torch::Tensor& b) {
  const auto type = torch::promote_types(torch::promote_types(a.scalar_type(), b.scalar_type()),
                                         torch::kFloat);
  return (a.to(type) - b.to(type)).square().mean();
}

// D's logits of T(images), with the step's labels.
torch::Tensor LogitsOfTransformed(StepContext& step, const torch::Tensor& images,
                                  double translation_ratio) {
  return step.discriminator().forward(ConsistencyTransform(images, translation_ratio),
                                      step.labels());
}

class BalancedConsistencyTerm : public LossTerm {
 public:
  // weight_fake 0: CR, the real batch only.
  BalancedConsistencyTerm(double weight_real, double weight_fake, double translation_ratio)
      : weight_real_(weight_real), weight_fake_(weight_fake), ratio_(translation_ratio) {}

  torch::Tensor Discriminator(StepContext& step) override {
    torch::Tensor loss =
        weight_real_ * MeanSquaredDifference(step.output().logits,
                                             LogitsOfTransformed(step, step.real(), ratio_));
    if (weight_fake_ > 0) {
      TORCH_CHECK(step.fake_logits().defined(), "bCR needs D's logits of the fakes");
      loss = loss + weight_fake_ * MeanSquaredDifference(
                                       step.fake_logits(),
                                       LogitsOfTransformed(step, step.fakes(), ratio_));
    }
    return loss;
  }

  std::string log_name() const override { return "consistency"; }

 private:
  double weight_real_, weight_fake_, ratio_;
};

class LatentConsistencyTerm : public LossTerm {
 public:
  LatentConsistencyTerm(double weight_d, double weight_g, double sigma)
      : weight_d_(weight_d), weight_g_(weight_g), sigma_(sigma) {}

  torch::Tensor Discriminator(StepContext& step) override {
    TORCH_CHECK(step.fake_logits().defined(), "zCR needs D's logits of the fakes");
    torch::Tensor perturbed;
    {
      torch::NoGradGuard no_grad;  // D's step trains D only
      perturbed = step.generator().forward(Perturbed(step), step.labels());
    }
    return weight_d_ * MeanSquaredDifference(
                           step.fake_logits(), step.discriminator().forward(perturbed, step.labels()));
  }

  torch::Tensor Generator(StepContext& step) override {
    const torch::Tensor perturbed = step.generator().forward(Perturbed(step), step.labels());
    return -weight_g_ * MeanSquaredDifference(step.fakes(), perturbed);
  }

  std::string log_name() const override { return "consistency"; }
  bool reruns_generator() const override { return true; }

 private:
  torch::Tensor Perturbed(const StepContext& step) const {
    TORCH_CHECK(step.latents().defined(),
                "zCR needs the latents of the step's fakes (the caller gave fakes alone)");
    return step.latents() + sigma_ * torch::randn_like(step.latents());
  }

  double weight_d_, weight_g_, sigma_;
};

double ReadTranslationRatio(ConfigReader& options) {
  double ratio = 0.125;
  options.Read("translation_ratio", &ratio);
  if (ratio < 0 || ratio >= 0.5) {
    options.Invalid("translation_ratio", "must be in [0, 0.5), got " + std::to_string(ratio));
  }
  return ratio;
}

absl::StatusOr<std::unique_ptr<LossTerm>> ReadConsistency(ConfigReader& options) {
  const double weight = ReadTermWeight(options, 10.0);
  return std::make_unique<BalancedConsistencyTerm>(weight, 0.0, ReadTranslationRatio(options));
}

absl::StatusOr<std::unique_ptr<LossTerm>> ReadBalancedConsistency(ConfigReader& options) {
  double weight_real = 10, weight_fake = 10;
  options.Read("weight_real", &weight_real);
  options.Read("weight_fake", &weight_fake);
  RequireNonNegative(options, "weight_real", weight_real);
  RequireNonNegative(options, "weight_fake", weight_fake);
  return std::make_unique<BalancedConsistencyTerm>(weight_real, weight_fake,
                                                   ReadTranslationRatio(options));
}

absl::StatusOr<std::unique_ptr<LossTerm>> ReadLatentConsistency(ConfigReader& options) {
  double weight_d = 5, weight_g = 0.5, sigma = 0.03;
  options.Read("weight_d", &weight_d);
  options.Read("weight_g", &weight_g);
  options.Read("sigma", &sigma);
  RequireNonNegative(options, "weight_d", weight_d);
  RequireNonNegative(options, "weight_g", weight_g);
  if (!(sigma > 0)) options.Invalid("sigma", "must be > 0, got " + std::to_string(sigma));
  return std::make_unique<LatentConsistencyTerm>(weight_d, weight_g, sigma);
}

GAN_REGISTER_LOSS_TERM("cr", ReadConsistency);
GAN_REGISTER_LOSS_TERM("bcr", ReadBalancedConsistency);
GAN_REGISTER_LOSS_TERM("zcr", ReadLatentConsistency);

}  // namespace
}  // namespace gan
