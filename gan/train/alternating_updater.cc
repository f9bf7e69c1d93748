#include "gan/train/alternating_updater.h"

#include <optional>
#include <sstream>
#include <utility>

#include <torch/utils.h>

#include "gan/checkpoint/strict_load.h"
#include "gan/losses/auxiliary_classifier.h"
#include "gan/losses/feature_matching.h"
#include "gan/losses/gradient_penalty.h"
#include "gan/nn/orthogonal.h"
#include "gan/train/memory_format.h"
#include "gan/train/optimization.h"

namespace gan {
namespace {

// D's weights, buffers, optimizer state and loss scale, to undo look-ahead steps.
class DiscriminatorSnapshot {
 public:
  DiscriminatorSnapshot(torch::nn::Module& d, torch::optim::Optimizer& optimizer,
                        DynamicLossScaler& scaler)
      : d_(d), optimizer_(optimizer), scaler_(scaler), scaler_state_(scaler) {
    for (const auto& t : d.parameters()) tensors_.push_back(t.detach().clone());
    for (const auto& t : d.buffers()) tensors_.push_back(t.detach().clone());
    torch::serialize::OutputArchive archive;
    optimizer.save(archive);
    archive.save_to(optimizer_state_);
  }
  void Restore() {
    torch::NoGradGuard no_grad;
    size_t i = 0;
    for (auto& t : d_.parameters()) t.copy_(tensors_[i++]);
    for (auto& t : d_.buffers()) t.copy_(tensors_[i++]);
    torch::serialize::InputArchive archive;
    std::istringstream in(optimizer_state_.str());
    archive.load_from(in);
    optimizer_.load(archive);
    scaler_ = scaler_state_;
  }

 private:
  torch::nn::Module& d_;
  torch::optim::Optimizer& optimizer_;
  DynamicLossScaler& scaler_;
  const DynamicLossScaler scaler_state_;
  std::vector<torch::Tensor> tensors_;
  std::ostringstream optimizer_state_;
};

}  // namespace

bool ParsePenalty(const std::string& name, Penalty* penalty) {
  if (name == "none") *penalty = Penalty::kNone;
  else if (name == "wgan_gp") *penalty = Penalty::kWganGp;
  else if (name == "dragan") *penalty = Penalty::kDragan;
  else if (name == "r1") *penalty = Penalty::kR1;
  else return false;
  return true;
}

bool ParseClassLoss(const std::string& name, ClassLoss* class_loss) {
  if (name == "none") *class_loss = ClassLoss::kNone;
  else if (name == "acgan") *class_loss = ClassLoss::kAcgan;
  else if (name == "d2d_ce") *class_loss = ClassLoss::kD2dCe;
  else return false;
  return true;
}

std::string ClassLossOutput(ClassLoss class_loss) {
  switch (class_loss) {
    case ClassLoss::kAcgan:
      return "class_logits";
    case ClassLoss::kD2dCe:
      return "embeddings";
    case ClassLoss::kNone:
      return "";
  }
  return "";
}

std::string ClassLossTraining(const std::string& output) {
  if (output == "class_logits") return "acgan";
  if (output == "embeddings" || output == "proxies") return "d2d_ce";
  return "";
}

AlternatingUpdater::AlternatingUpdater(Generator generator, Discriminator discriminator,
                                       AdversarialLoss loss, AlternatingUpdaterOptions options)
    : generator_(std::move(generator)),
      discriminator_(std::move(discriminator)),
      loss_(std::move(loss)),
      options_(options),
      loss_scaler_g_(options.loss_scaler),
      loss_scaler_d_(options.loss_scaler) {
  TORCH_CHECK(options_.n_dis >= 1, "AlternatingUpdater: n_dis must be >= 1, got ",
              options_.n_dis);
  generator_->to(options_.device);
  discriminator_->to(options_.device);
  if (options_.channels_last) {
    ToChannelsLast(*generator_);
    ToChannelsLast(*discriminator_);
  }
  generator_->train();
  discriminator_->train();
  optimizer_g_ = MakeOptimizer(*generator_, options_.optimizer_g);
  optimizer_d_ = MakeOptimizer(*discriminator_, options_.optimizer_d);
}

torch::Tensor AlternatingUpdater::ClassTerm(const DiscriminatorOutput& out,
                                            const torch::Tensor& labels) const {
  if (options_.class_loss == ClassLoss::kNone) return {};
  TORCH_CHECK(labels.defined(), "the class loss needs labelled data");
  if (options_.class_loss == ClassLoss::kAcgan) {
    TORCH_CHECK(out.class_logits.defined(),
                "the ACGAN class loss needs a discriminator with the acgan head");
    return options_.class_loss_weight * AuxiliaryClassifierLoss(out.class_logits, labels);
  }
  TORCH_CHECK(out.embeddings.defined() && out.proxies.defined(),
              "the D2D-CE class loss needs a discriminator with the reacgan head");
  return options_.class_loss_weight *
         D2dCrossEntropy(out.embeddings, out.proxies, labels, options_.d2d_ce);
}

torch::Tensor AlternatingUpdater::GeneratorObjective(const torch::Tensor& real,
                                                    const torch::Tensor& fakes,
                                                    const torch::Tensor& labels) {
  torch::Tensor loss;
  class_loss_g_ = torch::Tensor();
  if (options_.feature_matching) {
    torch::Tensor real_features;
    {
      torch::NoGradGuard no_grad;
      real_features = discriminator_->features(real, labels);
    }
    loss = FeatureMatchingLoss(real_features, discriminator_->features(fakes, labels));
  } else {
    const DiscriminatorOutput out = discriminator_->forward_all(fakes, labels);
    loss = loss_.generator(out.logits);
    const torch::Tensor class_term = ClassTerm(out, labels);
    if (class_term.defined()) {
      loss = loss + class_term;
      class_loss_g_ = class_term.detach();
    }
  }
  if (options_.orthogonal_regularization > 0) {
    loss = loss + OrthogonalRegularization(*generator_, options_.orthogonal_regularization);
  }
  return loss;
}

std::pair<torch::Tensor, torch::Tensor> AlternatingUpdater::GeneratorStep(
    const torch::Tensor& real, const torch::Tensor& labels) {
  std::optional<DiscriminatorSnapshot> snapshot;
  if (options_.unroll_steps > 0) {
    snapshot.emplace(*discriminator_, *optimizer_d_, loss_scaler_d_);
    const bool skipped = discriminator_skipped_;  // look-ahead steps are not D's steps
    for (int k = 0; k < options_.unroll_steps; ++k) DiscriminatorStep(real, labels, {});
    discriminator_skipped_ = skipped;
  }
  SetRequiresGrad(*discriminator_, false);
  torch::Tensor fakes, loss;
  {
    AutocastScope autocast(options_.device, options_.mixed_precision);
    fakes = generator_->forward(SampleLatent(real.size(0)), labels);
    loss = GeneratorObjective(real, fakes, labels);
  }
  const bool stepped = BackwardAndStep(*optimizer_g_, loss, *generator_, loss_scaler_g_);
  SetRequiresGrad(*discriminator_, true);
  if (!stepped) generator_skipped_ = true;
  if (snapshot) {
    snapshot->Restore();
    ClearGradients(*discriminator_);
  }
  return {loss.detach(), fakes.detach()};
}

torch::Tensor AlternatingUpdater::DiscriminatorStep(const torch::Tensor& real,
                                                    const torch::Tensor& labels,
                                                    torch::Tensor fakes, torch::Tensor* penalty) {
  torch::Tensor loss;
  {
    AutocastScope autocast(options_.device, options_.mixed_precision);
    if (!fakes.defined()) {
      torch::NoGradGuard no_grad;
      fakes = generator_->forward(SampleLatent(real.size(0)), labels);
    }
    DiscriminatorOutput real_out, fake_out;
    if (options_.joint_batch_norm) {
      const torch::Tensor joint_labels =
          labels.defined() ? torch::cat({labels, labels}) : torch::Tensor();
      const DiscriminatorOutput joint =
          discriminator_->forward_all(torch::cat({real, fakes.to(real.scalar_type())}), joint_labels);
      const int64_t n = real.size(0);
      auto half = [n](const torch::Tensor& t, bool first) {
        return !t.defined() ? t : first ? t.slice(0, 0, n) : t.slice(0, n);
      };
      real_out = {half(joint.logits, true), half(joint.class_logits, true),
                  half(joint.embeddings, true), half(joint.proxies, true)};
      fake_out.logits = half(joint.logits, false);
    } else {
      real_out = discriminator_->forward_all(real, labels);
      fake_out.logits = discriminator_->forward(fakes, labels);
    }
    loss = loss_.discriminator(real_out.logits, fake_out.logits);
    if (options_.drift_weight > 0) {
      loss = loss + options_.drift_weight * real_out.logits.to(torch::kFloat).square().mean();
    }
    class_loss_d_ = ClassTerm(real_out, labels);
    if (class_loss_d_.defined()) {
      loss = loss + class_loss_d_;
      class_loss_d_ = class_loss_d_.detach();
    }
    if (options_.penalty != Penalty::kNone) {
      const Critic critic = [&](const torch::Tensor& x) { return discriminator_->forward(x, labels); };
      torch::Tensor term;
      switch (options_.penalty) {
        case Penalty::kWganGp:
          term = WganGpPenalty(critic, real, fakes, options_.penalty_weight);
          break;
        case Penalty::kDragan:
          term = DraganPenalty(critic, real, options_.penalty_weight);
          break;
        case Penalty::kR1:
          term = R1Penalty(critic, real, options_.penalty_weight);
          break;
        case Penalty::kNone:
          break;
      }
      loss = loss + term;
      if (penalty != nullptr) *penalty = term.detach();
    }
  }
  if (!BackwardAndStep(*optimizer_d_, loss, *discriminator_, loss_scaler_d_)) {
    discriminator_skipped_ = true;
    return loss.detach();
  }
  if (options_.weight_clip > 0) ClipWeights(*discriminator_, options_.weight_clip);
  return loss.detach();
}

torch::Tensor AlternatingUpdater::SampleLatent(int64_t n) const {
  const DataParallel* group = options_.data_parallel.get();
  if (group == nullptr || group->world_size() == 1) {
    return generator_->SampleLatent(n, options_.device);
  }
  return SliceForRank(generator_->SampleLatent(n * group->world_size(), options_.device),
                      group->rank(), group->world_size());
}

bool AlternatingUpdater::BackwardAndStep(torch::optim::Optimizer& optimizer,
                                         const torch::Tensor& loss, torch::nn::Module& module,
                                         DynamicLossScaler& scaler) {
  ClearGradients(module);
  (options_.loss_scaling ? scaler.Scale(loss) : loss).backward();
  // Averaged first, so that every rank sees the same gradients (and the same verdict).
  if (options_.data_parallel) options_.data_parallel->AverageGradients(module);
  if (options_.loss_scaling) {
    // A finite loss with overflowing scaled gradients is the scaler's to skip; a
    // non-finite loss is divergence, as without scaling.
    if (options_.skip_nonfinite_steps && !torch::isfinite(loss).all().item<bool>()) {
      ClearGradients(module);
      ++skipped_steps_;
      return false;
    }
    return scaler.Step(optimizer);
  }
  if (options_.skip_nonfinite_steps && !LossAndGradientsFinite(loss, module)) {
    ClearGradients(module);
    ++skipped_steps_;
    return false;
  }
  optimizer.step();
  return true;
}

std::map<std::string, torch::Tensor> AlternatingUpdater::Update(const Batch& batch,
                                                                int64_t iteration) {
  torch::Tensor real = batch.images.to(options_.device, /*non_blocking=*/true);
  if (options_.channels_last) real = ToChannelsLast(real);
  const bool uses_labels =
      generator_->num_classes() > 0 || options_.class_loss != ClassLoss::kNone;
  const torch::Tensor labels = batch.labels.defined() && uses_labels
                                   ? batch.labels.to(options_.device)
                                   : torch::Tensor();
  std::map<std::string, torch::Tensor> losses;
  torch::Tensor penalty;
  generator_skipped_ = discriminator_skipped_ = false;
  if (options_.generator_first) {
    torch::Tensor fakes;
    if (iteration % options_.n_dis == 0) {
      std::tie(losses["loss_g"], fakes) = GeneratorStep(real, labels);
    }
    losses["loss_d"] = DiscriminatorStep(real, labels, fakes, &penalty);
  } else {
    losses["loss_d"] = DiscriminatorStep(real, labels, torch::Tensor(), &penalty);
    if ((iteration + 1) % options_.n_dis == 0) {
      losses["loss_g"] = GeneratorStep(real, labels).first;
    }
  }
  if (penalty.defined()) losses["penalty_d"] = penalty;
  if (class_loss_d_.defined()) losses["class_d"] = class_loss_d_;
  if (losses.count("loss_g") && class_loss_g_.defined()) losses["class_g"] = class_loss_g_;
  if (options_.skip_nonfinite_steps) {
    // A skipped step's loss is left out, unless too many were skipped: then the trainer
    // sees it and stops.
    if (skipped_steps_ <= options_.max_skipped_steps) {
      if (generator_skipped_) losses.erase("loss_g"), losses.erase("class_g");
      if (discriminator_skipped_) {
        losses.erase("loss_d"), losses.erase("penalty_d"), losses.erase("class_d");
      }
    }
    losses["skipped_steps"] = torch::tensor(static_cast<float>(skipped_steps_));
  }
  return losses;
}

void AlternatingUpdater::Save(torch::serialize::OutputArchive& archive) const {
  SaveGanPair(archive, *generator_, *discriminator_, *optimizer_g_, *optimizer_d_);
  archive.write("skipped_steps", torch::tensor(skipped_steps_));
  if (options_.loss_scaling) {
    loss_scaler_g_.Save(archive, "loss_scale_g");
    loss_scaler_d_.Save(archive, "loss_scale_d");
  }
}

void AlternatingUpdater::Load(torch::serialize::InputArchive& archive) {
  LoadGanPair(archive, *generator_, *discriminator_, *optimizer_g_, *optimizer_d_,
              options_.device);
  torch::Tensor skipped;
  // Checkpoints from before skipping existed have no count.
  skipped_steps_ = archive.try_read("skipped_steps", skipped)
                       ? ReadIntStrictly(archive, "skipped_steps", "checkpoint")
                       : 0;
  if (options_.loss_scaling) {
    loss_scaler_g_.Load(archive, "loss_scale_g");
    loss_scaler_d_.Load(archive, "loss_scale_d");
  }
}

}  // namespace gan
