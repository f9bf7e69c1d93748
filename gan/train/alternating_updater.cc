#include "gan/train/alternating_updater.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "gan/core/strict_load.h"
#include "gan/nn/batch_norm.h"
#include "gan/train/batch_parts.h"
#include "gan/train/memory_format.h"
#include "gan/train/optimization.h"

namespace gan {

AlternatingUpdater::AlternatingUpdater(Generator generator, Discriminator discriminator,
                                       AdversarialLoss loss, AlternatingUpdaterOptions options)
    : generator_(std::move(generator)),
      discriminator_(std::move(discriminator)),
      loss_(std::move(loss)),
      options_(std::move(options)),
      step_g_(generator_, OptimizerStepOptionsOf(options_, options_.optimizer_g)),
      step_d_(discriminator_, OptimizerStepOptionsOf(options_, options_.optimizer_d)),
      auxiliary_state_(options_.terms, options_.augmentation),
      frozen_blocks_(*discriminator_, options_.freeze_d_blocks) {
  TORCH_CHECK(options_.n_dis >= 1, "AlternatingUpdater: n_dis must be >= 1, got ",
              options_.n_dis);
  TORCH_CHECK(options_.accumulation_steps >= 1,
              "AlternatingUpdater: accumulation_steps must be >= 1, got ",
              options_.accumulation_steps);
  const absl::Status fits = CheckAlternatingUpdaterOptions(options_, *discriminator_);
  TORCH_CHECK(fits.ok(), "AlternatingUpdater: ", fits.message());
  generator_->to(options_.device);
  discriminator_->to(options_.device);
  if (options_.channels_last) {
    ToChannelsLast(*generator_);
    ToChannelsLast(*discriminator_);
  }
  generator_->train();
  discriminator_->train();
}

int64_t AlternatingUpdater::SkippedSteps() const {
  return loaded_skipped_steps_ + step_g_.skipped_steps() + step_d_.skipped_steps();
}

void AlternatingUpdater::ResetOptimizerState() {
  step_g_.ResetState();
  step_d_.ResetState();
}

RankMean AlternatingUpdater::MeanOverRanks() const {
  if (!options_.data_parallel) return nullptr;
  return [group = options_.data_parallel](const torch::Tensor& value) {
    return group->MeanOverRanks(value);
  };
}

void AlternatingUpdater::PrepareStep(StepContext& step) const {
  if (options_.augmentation) {
    step.set_discriminator_view([this](const torch::Tensor& images) { return DiscriminatorView(images); });
  }
  if (options_.data_parallel) step.set_mean_over_ranks(MeanOverRanks());
}

torch::Tensor AlternatingUpdater::DiscriminatorView(const torch::Tensor& images) const {
  return options_.augmentation ? options_.augmentation->Apply(images) : images;
}

torch::Tensor AlternatingUpdater::AddTerms(torch::Tensor loss, StepContext& step,
                                           bool discriminator,
                                           std::map<std::string, torch::Tensor>& logs) {
  logs.clear();
  for (const NamedLossTerm& named : options_.terms) {
    const torch::Tensor term =
        discriminator ? named.term->Discriminator(step) : named.term->Generator(step);
    if (!term.defined()) continue;
    loss = loss.defined() ? loss + term : term;
    const std::string log_name = named.term->log_name();
    if (log_name.empty()) continue;
    torch::Tensor& logged = logs[log_name + (discriminator ? "_d" : "_g")];
    logged = logged.defined() ? logged + term.detach() : term.detach();
  }
  return loss;
}

torch::Tensor AlternatingUpdater::GeneratorObjective(const torch::Tensor& real,
                                                    const torch::Tensor& fakes,
                                                    const torch::Tensor& latents,
                                                    const torch::Tensor& labels) {
  StepContext step(*discriminator_, *generator_, real, fakes, labels,
                   [&] { return discriminator_->forward_all(DiscriminatorView(fakes), labels); });
  step.set_latents(latents);
  PrepareStep(step);
  const bool replaced =
      std::any_of(options_.terms.begin(), options_.terms.end(),
                  [](const NamedLossTerm& t) { return t.term->replaces_generator_loss(); });
  torch::Tensor loss = replaced ? torch::Tensor() : loss_.generator(step.output().logits);
  return AddTerms(loss, step, /*discriminator=*/false, term_logs_g_);
}

LookAheadHooks AlternatingUpdater::LookAheadHooksFor(const torch::Tensor& real,
                                                     const torch::Tensor& labels) {
  LookAheadHooks hooks;
  hooks.discriminator_step = [this, real, labels] {
    discriminator_skipped_ = false;
    DiscriminatorStep(real, labels, {});
    return !discriminator_skipped_;
  };
  hooks.discriminator_objective = [this, real, labels] {
    // The draws of DiscriminatorStep in the same order, with G's graph this time.
    const torch::Tensor latents = SampleLatent(real.size(0));
    const torch::Tensor fakes = generator_->forward(latents, labels);
    torch::Tensor real_logits;
    return DiscriminatorObjective(real, labels, fakes, latents, real_logits);
  };
  hooks.capture_state = [this] {
    return [this, skipped = discriminator_skipped_, logs = term_logs_d_,
            state = auxiliary_state_.Copy()] {
      discriminator_skipped_ = skipped;
      term_logs_d_ = logs;
      auxiliary_state_.Restore(state);
    };
  };
  return hooks;
}

AlternatingUpdater::GeneratorStepResult AlternatingUpdater::GeneratorStep(
    const torch::Tensor& real, const torch::Tensor& labels) {
  const bool second_order = options_.unroll_order == UnrollOrder::kSecond && options_.unroll_steps > 0;
  std::optional<UnrolledLookAhead> look_ahead;
  if (options_.unroll_steps > 0) {
    look_ahead.emplace(*generator_, *discriminator_, step_d_, options_.device,
                       options_.unroll_steps, second_order, LookAheadHooksFor(real, labels));
  }
  // Second order needs D's gradient of G's loss (v in unrolled_gradient.h).
  frozen_blocks_.SetTrainable(second_order);
  if (second_order) ClearGradients(*discriminator_);
  const torch::Tensor latents = SampleLatent(real.size(0));
  ClearGradients(*generator_);
  std::vector<torch::Tensor> fakes;
  const torch::Tensor loss = BackwardOverParts(
      real.size(0), options_.accumulation_steps, term_logs_g_,
      [this](const torch::Tensor& part_loss) { step_g_.Backward(part_loss); },
      [&](const BatchPart& part) {
        AutocastScope autocast(options_.device, options_.mixed_precision);
        const torch::Tensor part_fakes = generator_->forward(part.Of(latents), part.Of(labels));
        fakes.push_back(part_fakes.detach());
        return GeneratorObjective(part.Of(real), part_fakes, part.Of(latents), part.Of(labels));
      });
  if (second_order) look_ahead->BackpropagateThroughSteps();
  if (!step_g_.Step(loss)) generator_skipped_ = true;
  frozen_blocks_.SetTrainable(true);
  if (look_ahead) look_ahead->Undo();
  return {loss, fakes.size() == 1 ? fakes.front() : torch::cat(fakes), latents};
}

torch::Tensor AlternatingUpdater::DiscriminatorStep(const torch::Tensor& real,
                                                    const torch::Tensor& labels,
                                                    torch::Tensor fakes,
                                                    torch::Tensor latents) {
  // A skipped step must not reach the terms' (or the augmentation's) state either (a NaN
  // in a moving average would stay there).
  const bool undoable = options_.skip_nonfinite_steps && !auxiliary_state_.empty();
  const std::string state_before = undoable ? auxiliary_state_.Copy() : std::string();
  const bool draw_fakes = !fakes.defined();
  if (draw_fakes) latents = SampleLatent(real.size(0));
  ClearGradients(*discriminator_);
  std::vector<torch::Tensor> real_logits;
  const torch::Tensor loss = BackwardOverParts(
      real.size(0), options_.accumulation_steps, term_logs_d_,
      [this](const torch::Tensor& part_loss) { step_d_.Backward(part_loss); },
      [&](const BatchPart& part) {
        AutocastScope autocast(options_.device, options_.mixed_precision);
        torch::Tensor part_fakes = part.Of(fakes);
        if (draw_fakes) {
          torch::NoGradGuard no_grad;
          part_fakes = generator_->forward(part.Of(latents), part.Of(labels));
        }
        real_logits.emplace_back();
        return DiscriminatorObjective(part.Of(real), part.Of(labels), part_fakes,
                                      part.Of(latents), real_logits.back());
      });
  if (!step_d_.Step(loss)) {
    discriminator_skipped_ = true;
    if (undoable) auxiliary_state_.Restore(state_before);
    return loss;
  }
  if (options_.weight_clip > 0) frozen_blocks_.ClipTrained(options_.weight_clip);
  if (options_.augmentation) {
    const int64_t ranks = options_.data_parallel ? options_.data_parallel->world_size() : 1;
    options_.augmentation->ObserveRealLogits(
        real_logits.size() == 1 ? real_logits.front() : torch::cat(real_logits),
        real.size(0) * ranks, MeanOverRanks());
  }
  return loss;
}

torch::Tensor AlternatingUpdater::DiscriminatorObjective(const torch::Tensor& real,
                                                         const torch::Tensor& labels,
                                                         const torch::Tensor& fakes,
                                                         const torch::Tensor& latents,
                                                         torch::Tensor& real_logits) {
  DiscriminatorOutput real_out;
  torch::Tensor fake_logits;
  const torch::Tensor real_seen = DiscriminatorView(real);
  const torch::Tensor fakes_seen = DiscriminatorView(fakes);
  if (options_.joint_batch_norm) {
    const torch::Tensor joint_labels =
        labels.defined() ? torch::cat({labels, labels}) : torch::Tensor();
    DiscriminatorOutput joint = discriminator_->forward_all(
        torch::cat({real_seen, fakes_seen.to(real_seen.scalar_type())}), joint_labels);
    const int64_t n = real.size(0);
    real_out.logits = joint.logits.slice(0, 0, n);
    fake_logits = joint.logits.slice(0, n);
    for (auto& [name, extra] : joint.extras) real_out.extras[name] = extra.slice(0, 0, n);
  } else {
    real_out = discriminator_->forward_all(real_seen, labels);
    fake_logits = discriminator_->forward(fakes_seen, labels);
  }
  torch::Tensor loss = loss_.discriminator(real_out.logits, fake_logits);
  real_logits = real_out.logits.detach();
  StepContext step(*discriminator_, *generator_, real, fakes, labels,
                   [&real_out] { return real_out; });
  step.set_fake_logits(fake_logits);
  step.set_latents(latents);
  PrepareStep(step);
  loss = AddTerms(loss, step, /*discriminator=*/true, term_logs_d_);
  // D's mean logits on the reals and the fakes it was trained on: their gap shows how far
  // D separates them (and whether, under BCE, it saturates).
  term_logs_d_["logit_real"] = real_logits.mean().to(torch::kFloat);
  term_logs_d_["logit_fake"] = fake_logits.detach().mean().to(torch::kFloat);
  return loss;
}

torch::Tensor AlternatingUpdater::SampleLatent(int64_t n) const {
  const DataParallel* group = options_.data_parallel.get();
  if (group == nullptr || group->world_size() == 1) {
    return generator_->SampleLatent(n, options_.device);
  }
  return SliceForRank(generator_->SampleLatent(n * group->world_size(), options_.device),
                      group->rank(), group->world_size());
}

std::map<std::string, torch::Tensor> AlternatingUpdater::Update(const Batch& batch,
                                                                int64_t iteration) {
  // Only the steps' forward passes (every rank takes them, in the same order) synchronize.
  SynchronizedBatchNormScope synchronized_batch_norm(
      options_.sync_batch_norm && options_.data_parallel
          ? SumOverRanks([group = options_.data_parallel](const torch::Tensor& value) {
              return group->SumOverRanks(value);
            })
          : SumOverRanks());
  step_g_.SetIteration(iteration);
  step_d_.SetIteration(iteration);
  torch::Tensor real = batch.images.to(options_.device, /*non_blocking=*/true);
  if (options_.channels_last) real = ToChannelsLast(real);
  const bool uses_labels =
      generator_->num_classes() > 0 ||
      std::any_of(options_.terms.begin(), options_.terms.end(),
                  [](const NamedLossTerm& t) { return t.term->needs_labels(); });
  const torch::Tensor labels = batch.labels.defined() && uses_labels
                                   ? batch.labels.to(options_.device)
                                   : torch::Tensor();
  std::map<std::string, torch::Tensor> losses;
  generator_skipped_ = discriminator_skipped_ = false;
  bool generator_stepped = false;
  if (options_.generator_first) {
    GeneratorStepResult generated;
    if (iteration % options_.n_dis == 0) {
      generated = GeneratorStep(real, labels);
      losses["loss_g"] = generated.loss;
      generator_stepped = true;
    }
    losses["loss_d"] = DiscriminatorStep(real, labels, generated.fakes, generated.latents);
  } else {
    losses["loss_d"] = DiscriminatorStep(real, labels, torch::Tensor());
    if ((iteration + 1) % options_.n_dis == 0) {
      losses["loss_g"] = GeneratorStep(real, labels).loss;
      generator_stepped = true;
    }
  }
  return Report(std::move(losses), generator_stepped);
}

std::map<std::string, torch::Tensor> AlternatingUpdater::Report(
    std::map<std::string, torch::Tensor> losses, bool generator_stepped) const {
  // A skipped step's losses are left out, unless too many were skipped: then the trainer
  // sees them and stops.
  const bool leave_out_skipped =
      options_.skip_nonfinite_steps && SkippedSteps() <= options_.max_skipped_steps;
  if (leave_out_skipped && discriminator_skipped_) {
    losses.erase("loss_d");
  } else {
    losses.insert(term_logs_d_.begin(), term_logs_d_.end());
  }
  if (leave_out_skipped && generator_skipped_) {
    losses.erase("loss_g");
  } else if (generator_stepped) {
    losses.insert(term_logs_g_.begin(), term_logs_g_.end());
  }
  if (options_.skip_nonfinite_steps) {
    losses["skipped_steps"] = torch::tensor(static_cast<float>(SkippedSteps()));
  }
  if (options_.augmentation) {
    for (const auto& [name, value] : options_.augmentation->Logs()) losses[name] = value;
  }
  return losses;
}

void AlternatingUpdater::Save(torch::serialize::OutputArchive& archive) const {
  SaveGanPair(archive, *generator_, *discriminator_, step_g_.optimizer(), step_d_.optimizer());
  auxiliary_state_.Save(archive);
  archive.write("skipped_steps", torch::tensor(SkippedSteps()));
  step_g_.SaveLossScale(archive, "loss_scale_g");
  step_d_.SaveLossScale(archive, "loss_scale_d");
}

void AlternatingUpdater::Load(torch::serialize::InputArchive& archive) {
  LoadGanPair(archive, *generator_, *discriminator_, step_g_.optimizer(), step_d_.optimizer(),
              options_.device);
  auxiliary_state_.Load(archive);
  torch::Tensor skipped;
  // Checkpoints from before skipping existed have no count.
  loaded_skipped_steps_ = archive.try_read("skipped_steps", skipped)
                              ? ReadIntStrictly(archive, "skipped_steps", "checkpoint")
                              : 0;
  step_g_.ClearSkippedSteps();
  step_d_.ClearSkippedSteps();
  step_g_.LoadLossScale(archive, "loss_scale_g");
  step_d_.LoadLossScale(archive, "loss_scale_d");
}

}  // namespace gan
