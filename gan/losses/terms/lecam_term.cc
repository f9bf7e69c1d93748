// LeCam regularization (Tseng et al. 2021, "Regularizing Generative Adversarial Networks
// under Limited Data") as a D term, logged as "lecam_d":
//   "lecam": {"weight": 0.3, "decay": 0.99, "start": 1000}
//   R_LC = E[relu(D(x) - a_F)^2] + E[relu(a_R - D(G(z)))^2]
// a_R and a_F are exponential moving averages of D's mean logit on real and on fake
// images, updated with this step's means before R_LC is taken, as in the authors' code and
// PyTorch-StudioGAN: in D steps 0 to start - 1 they are the batch means (decay 0), from
// step `start` on they decay with `decay`, and the term applies after step `start`.
// `start` counts D steps (iterations here); the reference counts generator iterations of
// n_dis D steps each, so its start of 1000 at n_dis 5 is 5000 here. The means are over
// the global batch (all data-parallel ranks), and the averages and the step count are
// kept in checkpoints (a skipped step leaves them as they were). PyTorch-StudioGAN's
// CIFAR-10 setting is weight 0.3 (its `lecam_lambda`).
#include <memory>
#include <string>

#include "gan/core/strict_load.h"
#include "gan/losses/terms/loss_term.h"

namespace gan {
namespace {

struct LecamOptions {
  double weight = 0.3;
  double decay = 0.99;
  int64_t start = 1000;  // D steps before the averages decay (and, plus one, the term applies)
};

class LecamTerm : public LossTerm {
 public:
  explicit LecamTerm(LecamOptions options) : options_(options) {}

  torch::Tensor Discriminator(StepContext& step) override {
    TORCH_CHECK(step.fake_logits().defined(), "the LeCam term needs D's logits of the fakes");
    const torch::Tensor real = step.output().logits.to(torch::kFloat);
    const torch::Tensor fake = step.fake_logits().to(torch::kFloat);
    const torch::Tensor real_mean = step.MeanOverRanks(real.detach().mean()).to(torch::kDouble);
    const torch::Tensor fake_mean = step.MeanOverRanks(fake.detach().mean()).to(torch::kDouble);
    const double decay = steps_ < options_.start ? 0.0 : options_.decay;
    if (!average_real_.defined()) {
      average_real_ = real_mean;
      average_fake_ = fake_mean;
    } else {
      average_real_ = decay * average_real_ + (1 - decay) * real_mean;
      average_fake_ = decay * average_fake_ + (1 - decay) * fake_mean;
    }
    const bool applies = steps_ > options_.start;
    ++steps_;
    if (!applies) return torch::zeros({}, real.options());
    const torch::Tensor a_fake = average_fake_.to(real.scalar_type());
    const torch::Tensor a_real = average_real_.to(real.scalar_type());
    return options_.weight * ((real - a_fake).relu().square().mean() +
                              (a_real - fake).relu().square().mean());
  }

  std::string log_name() const override { return "lecam"; }
  bool needs_whole_batch() const override { return true; }  // averages updated per batch

  void Save(torch::serialize::OutputArchive& archive, const std::string& prefix) const override {
    archive.write(prefix + "steps", torch::tensor(steps_));
    if (average_real_.defined()) {
      archive.write(prefix + "average_real", average_real_.cpu());
      archive.write(prefix + "average_fake", average_fake_.cpu());
    }
  }

  void Load(torch::serialize::InputArchive& archive, const std::string& prefix) override {
    steps_ = ReadIntStrictly(archive, prefix + "steps", "checkpoint");
    torch::Tensor probe;
    if (!archive.try_read(prefix + "average_real", probe)) {
      average_real_ = average_fake_ = torch::Tensor();
      return;
    }
    average_real_ = ReadTensorStrictly(archive, prefix + "average_real", "checkpoint");
    average_fake_ = ReadTensorStrictly(archive, prefix + "average_fake", "checkpoint");
    for (const torch::Tensor& average : {average_real_, average_fake_}) {
      TORCH_CHECK(average.numel() == 1 && average.is_floating_point(), "checkpoint: '", prefix,
                  "average_*' must be one number, got ", average.sizes());
    }
  }

 private:
  LecamOptions options_;
  int64_t steps_ = 0;
  torch::Tensor average_real_, average_fake_;  // double scalars; undefined before step 1
};

absl::StatusOr<std::unique_ptr<LossTerm>> ReadLecam(ConfigReader& options) {
  LecamOptions lecam;
  lecam.weight = ReadTermWeight(options, lecam.weight);
  options.Read("decay", &lecam.decay);
  options.Read("start", &lecam.start);
  if (lecam.decay < 0 || lecam.decay >= 1) {
    options.Invalid("decay", "must be in [0, 1), got " + std::to_string(lecam.decay));
  }
  RequireNonNegative(options, "start", static_cast<double>(lecam.start));
  return std::make_unique<LecamTerm>(lecam);
}

GAN_REGISTER_LOSS_TERM("lecam", ReadLecam);

}  // namespace
}  // namespace gan
