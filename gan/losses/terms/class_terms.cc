// Auxiliary class losses on D's head, trained on real images in D's step and on fakes (of
// the batch's labels) in G's step, logged as "class_d" and "class_g":
//   "acgan":  {"weight": 1}     ACGAN's cross-entropy on D's class_logits
//                               (Odena et al. 2017; gan/losses/auxiliary_classifier.h)
//   "d2d_ce": {"weight": 1, "margin": 0.98, "temperature": 0.5, "form": "studiogan"}
//                               ReACGAN's data-to-data cross-entropy on D's embeddings
//                               and proxies (Kang et al. 2021; gan/losses/d2d_ce.h), by
//                               default in "studiogan" form, the arithmetic of the
//                               authors' code behind the published results, or "paper"
//                               (see gan/losses/d2d_ce.h)
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gan/losses/auxiliary_classifier.h"
#include "gan/losses/d2d_ce.h"
#include "gan/losses/terms/loss_term.h"

namespace gan {
namespace {

// The class loss of D's output in either step.
class ClassTerm : public LossTerm {
 public:
  // within_batch: the loss compares the batch's images with each other (D2D-CE).
  ClassTerm(double weight, std::vector<std::string> outputs,
            std::function<torch::Tensor(const DiscriminatorOutput&, const torch::Tensor&)> loss,
            bool within_batch)
      : weight_(weight),
        outputs_(std::move(outputs)),
        loss_(std::move(loss)),
        within_batch_(within_batch) {}

  torch::Tensor Discriminator(StepContext& step) override { return Weighted(step); }
  torch::Tensor Generator(StepContext& step) override { return Weighted(step); }
  std::vector<std::string> trained_outputs() const override { return outputs_; }
  bool needs_labels() const override { return true; }
  bool needs_whole_batch() const override { return within_batch_; }
  std::string log_name() const override { return "class"; }

 private:
  torch::Tensor Weighted(StepContext& step) const {
    TORCH_CHECK(step.labels().defined(), "a class loss needs labelled data");
    const DiscriminatorOutput& output = step.output();
    for (const std::string& name : outputs_) {
      TORCH_CHECK(output.extra(name).defined(), "this class loss needs the discriminator's ",
                  name, ", which its head does not output");
    }
    return weight_ * loss_(output, step.labels());
  }

  double weight_;
  std::vector<std::string> outputs_;
  std::function<torch::Tensor(const DiscriminatorOutput&, const torch::Tensor&)> loss_;
  bool within_batch_;
};

absl::StatusOr<std::unique_ptr<LossTerm>> ReadAcgan(ConfigReader& options) {
  return std::make_unique<ClassTerm>(
      ReadTermWeight(options, 1.0), std::vector<std::string>{"class_logits"},
      [](const DiscriminatorOutput& out, const torch::Tensor& labels) {
        return AuxiliaryClassifierLoss(out.extra("class_logits"), labels);
      },
      /*within_batch=*/false);
}

absl::StatusOr<std::unique_ptr<LossTerm>> ReadD2dCe(ConfigReader& options) {
  const double weight = ReadTermWeight(options, 1.0);
  D2dCrossEntropyOptions d2d;
  options.Read("margin", &d2d.margin);
  options.Read("temperature", &d2d.temperature);
  if (d2d.margin < 0 || d2d.margin > 1) {
    options.Invalid("margin", absl::StrCat("must be in [0, 1], got ", d2d.margin));
  }
  RequirePositive(options, "temperature", d2d.temperature);
  std::string form = "studiogan";  // the form of the published ReACGAN results
  options.Read("form", &form);
  if (form == "studiogan") {
    d2d.form = D2dCrossEntropyOptions::Form::kStudioGan;
  } else if (form != "paper") {
    options.Invalid("form", "must be paper or studiogan, got '" + form + "'");
  }
  return std::make_unique<ClassTerm>(
      weight, std::vector<std::string>{"embeddings", "proxies"},
      [d2d](const DiscriminatorOutput& out, const torch::Tensor& labels) {
        return D2dCrossEntropy(out.extra("embeddings"), out.extra("proxies"), labels, d2d);
      },
      /*within_batch=*/true);
}

GAN_REGISTER_LOSS_TERM("acgan", ReadAcgan);
GAN_REGISTER_LOSS_TERM("d2d_ce", ReadD2dCe);

}  // namespace
}  // namespace gan
