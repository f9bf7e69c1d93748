#include "gan/train/alternating_updater.h"

#include <algorithm>
#include <optional>
#include <sstream>
#include <utility>

#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "gan/checkpoint/strict_load.h"
#include "gan/core/random_state.h"
#include "gan/losses/gradient_penalty.h"
#include "gan/nn/batch_norm.h"
#include "gan/train/memory_format.h"
#include "gan/train/optimization.h"
#include "gan/train/unrolled_gradient.h"

namespace gan {
namespace {

// A module's parameters, then its buffers, as copies; and back.
std::vector<torch::Tensor> CopyTensors(const torch::nn::Module& module) {
  std::vector<torch::Tensor> copies;
  for (const auto& t : module.parameters()) copies.push_back(t.detach().clone());
  for (const auto& t : module.buffers()) copies.push_back(t.detach().clone());
  return copies;
}

void RestoreTensors(torch::nn::Module& module, const std::vector<torch::Tensor>& copies) {
  torch::NoGradGuard no_grad;
  size_t i = 0;
  for (auto& t : module.parameters()) t.copy_(copies[i++]);
  for (auto& t : module.buffers()) t.copy_(copies[i++]);
}

// D's weights, buffers, optimizer state and loss scale, to undo look-ahead steps.
class DiscriminatorSnapshot {
 public:
  DiscriminatorSnapshot(torch::nn::Module& d, torch::optim::Optimizer& optimizer,
                        DynamicLossScaler& scaler)
      : d_(d), optimizer_(optimizer), scaler_(scaler), scaler_state_(scaler),
        tensors_(CopyTensors(d)) {
    torch::serialize::OutputArchive archive;
    optimizer.save(archive);
    archive.save_to(optimizer_state_);
  }
  void Restore() {
    RestoreTensors(d_, tensors_);
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
  const std::vector<torch::Tensor> tensors_;
  std::ostringstream optimizer_state_;
};

}  // namespace

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
  if (options_.freeze_discriminator_blocks > 0) {
    const std::vector<std::vector<torch::Tensor>> blocks = discriminator_->block_parameters();
    for (int b = 0; b < options_.freeze_discriminator_blocks; ++b) {
      frozen_.insert(frozen_.end(), blocks[b].begin(), blocks[b].end());
    }
    SetDiscriminatorTrainable(true);
  }
  optimizer_g_ = MakeOptimizer(*generator_, options_.optimizer_g);
  optimizer_d_ = MakeOptimizer(*discriminator_, options_.optimizer_d);
  torch::serialize::InputArchive state;
  std::istringstream auxiliary_state(AuxiliaryState());
  state.load_from(auxiliary_state);
  has_auxiliary_state_ = !state.keys().empty();
  if (options_.learning_rate_schedule.kind != LearningRateSchedule::Kind::kConstant) {
    rates_g_ = std::make_unique<ScheduledLearningRates>(*optimizer_g_);
    rates_d_ = std::make_unique<ScheduledLearningRates>(*optimizer_d_);
  }
}

absl::Status CheckAlternatingUpdaterOptions(const AlternatingUpdaterOptions& options,
                                            DiscriminatorModule& discriminator) {
  for (const NamedLossTerm& named : options.terms) {
    if (options.accumulation_steps > 1 && named.term->needs_whole_batch()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "config key 'train.accumulation_steps' (", options.accumulation_steps, "): the term '",
          named.name, "' needs the whole batch at once (its value is not a mean over images), ",
          "so it cannot be accumulated over parts; use a larger train.batch_size instead"));
    }
    if (options.generator_first && named.term->reruns_generator()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "config key 'train.generator_first': the term '", named.name, "' runs G again on ",
          "the latents of D's fakes, which in G-first order G made before its step; train D first"));
    }
  }
  if (options.unroll_second_order) {
    // Its replay of D's look-ahead steps must take exactly the steps that were taken.
    const OptimizerOptions& d = options.optimizer_d;
    const std::pair<bool, std::string> refusals[] = {
        {options.unroll_steps == 0, "needs train.unroll_steps > 0"},
        {d.kind != OptimizerOptions::Kind::kSgd || d.beta1 != 0,
         "differentiates through D's look-ahead steps as plain gradient descent: set "
         "train.optimizer to sgd with train.beta1 (its momentum) 0"},
        {options.mixed_precision != MixedPrecision::kNone || options.loss_scaling,
         "needs full precision (train.mixed_precision none)"},
        {options.accumulation_steps > 1, "needs train.accumulation_steps 1"},
        {options.data_parallel != nullptr, "runs in one process only (no --nproc)"},
        {options.weight_clip > 0, "cannot differentiate through train.weight_clip"}};
    for (const auto& [refused, why] : refusals) {
      if (refused) {
        return absl::InvalidArgumentError(
            absl::StrCat("config key 'train.unroll_order' (second) ", why));
      }
    }
  }
  if (options.freeze_discriminator_blocks > 0) {
    const size_t blocks = discriminator.block_parameters().size();
    if (static_cast<size_t>(options.freeze_discriminator_blocks) > blocks) {
      return absl::InvalidArgumentError(absl::StrCat(
          "config key 'train.freeze_d_blocks' (", options.freeze_discriminator_blocks,
          "): the discriminator has ", blocks, " blocks",
          blocks == 0 ? " that FreezeD can count (it does not divide D into them)" : ""));
    }
  }
  return absl::OkStatus();
}

void AlternatingUpdater::SetDiscriminatorTrainable(bool trainable) {
  SetRequiresGrad(*discriminator_, trainable);
  for (torch::Tensor& p : frozen_) p.requires_grad_(false);
}

void AlternatingUpdater::ClipTrainedWeights() {
  if (frozen_.empty()) {
    ClipWeights(*discriminator_, options_.weight_clip);
    return;
  }
  torch::NoGradGuard no_grad;
  for (torch::Tensor& p : discriminator_->parameters()) {
    if (p.requires_grad()) p.clamp_(-options_.weight_clip, options_.weight_clip);
  }
}

void AlternatingUpdater::ResetOptimizerState() {
  optimizer_g_->state().clear();
  optimizer_d_->state().clear();
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

// Where step k of a second-order look-ahead started: D's tensors, the random-number state
// (its draws: latents, augmentation, terms), the terms' and augmentation's state, and
// whether the step was taken (not skipped as non-finite).
struct AlternatingUpdater::LookAheadStart {
  std::vector<torch::Tensor> discriminator;
  torch::Tensor random_state;
  std::string auxiliary_state;
  bool taken = true;
};

void AlternatingUpdater::LookAhead(const torch::Tensor& real, const torch::Tensor& labels,
                                   std::vector<LookAheadStart>* replay) {
  // Look-ahead steps are not D's steps: they neither count as skipped nor are logged, and
  // the terms' and the augmentation's state (moving averages, ADA's p) is restored with D.
  const bool skipped = discriminator_skipped_;
  const int64_t skipped_steps = skipped_steps_;
  const std::map<std::string, torch::Tensor> logs = term_logs_d_;
  const std::string auxiliary_state = has_auxiliary_state_ ? AuxiliaryState() : std::string();
  for (int k = 0; k < options_.unroll_steps; ++k) {
    if (replay != nullptr) {
      replay->push_back({CopyTensors(*discriminator_), RandomState(options_.device),
                         has_auxiliary_state_ ? AuxiliaryState() : std::string()});
    }
    discriminator_skipped_ = false;
    DiscriminatorStep(real, labels, {});
    if (replay != nullptr) replay->back().taken = !discriminator_skipped_;
  }
  discriminator_skipped_ = skipped;
  skipped_steps_ = skipped_steps;
  term_logs_d_ = logs;
  if (has_auxiliary_state_) RestoreAuxiliaryState(auxiliary_state);
}

void AlternatingUpdater::BackpropagateThroughLookAhead(const torch::Tensor& real,
                                                       const torch::Tensor& labels,
                                                       std::vector<LookAheadStart>& starts) {
  std::vector<torch::Tensor> theta, v, phi;
  for (const torch::Tensor& p : discriminator_->parameters()) {
    if (!p.requires_grad()) continue;  // frozen
    theta.push_back(p);
    v.push_back(p.grad().defined() ? p.grad().detach().clone() : torch::Tensor());
  }
  for (const torch::Tensor& p : generator_->parameters()) {
    if (p.requires_grad()) phi.push_back(p);
  }
  // The replays run G in training mode and the terms again: what they change is put back.
  const std::vector<torch::Tensor> generator_tensors = CopyTensors(*generator_);
  const std::map<std::string, torch::Tensor> logs = term_logs_d_;
  const std::string auxiliary_state = has_auxiliary_state_ ? AuxiliaryState() : std::string();
  const torch::Tensor random_state = RandomState(options_.device);
  const double lr = optimizer_d_->param_groups().front().options().get_lr();
  const std::vector<torch::Tensor> through = GradientThroughDescentSteps(
      theta, phi, static_cast<int>(starts.size()), lr, std::move(v), [&](int k) {
        const LookAheadStart& start = starts[k];
        if (!start.taken) return torch::Tensor();
        RestoreTensors(*discriminator_, start.discriminator);
        SetRandomState(options_.device, start.random_state);
        if (has_auxiliary_state_) RestoreAuxiliaryState(start.auxiliary_state);
        // The draws of DiscriminatorStep in the same order, with G's graph this time.
        const torch::Tensor latents = SampleLatent(real.size(0));
        const torch::Tensor fakes = generator_->forward(latents, labels);
        torch::Tensor real_logits;
        return DiscriminatorObjective(real, labels, fakes, latents, real_logits);
      });
  for (size_t j = 0; j < phi.size(); ++j) {
    torch::Tensor& grad = phi[j].mutable_grad();
    grad = grad.defined() ? grad + through[j] : through[j];
  }
  RestoreTensors(*generator_, generator_tensors);
  SetRandomState(options_.device, random_state);
  term_logs_d_ = logs;
  if (has_auxiliary_state_) RestoreAuxiliaryState(auxiliary_state);
}

AlternatingUpdater::GeneratorStepResult AlternatingUpdater::GeneratorStep(
    const torch::Tensor& real, const torch::Tensor& labels) {
  std::optional<DiscriminatorSnapshot> snapshot;
  const bool second_order = options_.unroll_second_order && options_.unroll_steps > 0;
  std::vector<LookAheadStart> starts;
  if (options_.unroll_steps > 0) {
    snapshot.emplace(*discriminator_, *optimizer_d_, loss_scaler_d_);
    LookAhead(real, labels, second_order ? &starts : nullptr);
  }
  // Second order needs D's gradient of G's loss (v in unrolled_gradient.h).
  SetDiscriminatorTrainable(second_order);
  if (second_order) ClearGradients(*discriminator_);
  const torch::Tensor latents = SampleLatent(real.size(0));
  ClearGradients(*generator_);
  std::vector<torch::Tensor> fakes;
  const torch::Tensor loss = BackwardOverParts(
      real.size(0), loss_scaler_g_, term_logs_g_, [&](const BatchPart& part) {
        AutocastScope autocast(options_.device, options_.mixed_precision);
        const torch::Tensor part_fakes = generator_->forward(part.Of(latents), part.Of(labels));
        fakes.push_back(part_fakes.detach());
        return GeneratorObjective(part.Of(real), part_fakes, part.Of(latents), part.Of(labels));
      });
  if (second_order) BackpropagateThroughLookAhead(real, labels, starts);
  const bool stepped = Step(*optimizer_g_, loss, *generator_, loss_scaler_g_);
  SetDiscriminatorTrainable(true);
  if (!stepped) generator_skipped_ = true;
  if (snapshot) {
    snapshot->Restore();
    ClearGradients(*discriminator_);
  }
  return {loss, fakes.size() == 1 ? fakes.front() : torch::cat(fakes), latents};
}

torch::Tensor AlternatingUpdater::DiscriminatorStep(const torch::Tensor& real,
                                                    const torch::Tensor& labels,
                                                    torch::Tensor fakes,
                                                    torch::Tensor latents) {
  // A skipped step must not reach the terms' (or the augmentation's) state either (a NaN
  // in a moving average would stay there).
  const bool undoable = options_.skip_nonfinite_steps && has_auxiliary_state_;
  const std::string auxiliary_state = undoable ? AuxiliaryState() : std::string();
  const bool draw_fakes = !fakes.defined();
  if (draw_fakes) latents = SampleLatent(real.size(0));
  ClearGradients(*discriminator_);
  std::vector<torch::Tensor> real_logits;
  const torch::Tensor loss = BackwardOverParts(
      real.size(0), loss_scaler_d_, term_logs_d_, [&](const BatchPart& part) {
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
  if (!Step(*optimizer_d_, loss, *discriminator_, loss_scaler_d_)) {
    discriminator_skipped_ = true;
    if (undoable) RestoreAuxiliaryState(auxiliary_state);
    return loss;
  }
  if (options_.weight_clip > 0) ClipTrainedWeights();
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

torch::Tensor AlternatingUpdater::BackwardOverParts(
    int64_t n, DynamicLossScaler& scaler, std::map<std::string, torch::Tensor>& term_logs,
    const std::function<torch::Tensor(const BatchPart&)>& part_loss) {
  torch::Tensor loss;
  std::map<std::string, torch::Tensor> logs;
  for (const BatchPart& part : Parts(n)) {
    const torch::Tensor value = part_loss(part);  // its autocast scope closed
    Backward(part.Weighted(value), scaler);
    loss = part.Accumulate(loss, value.detach());
    part.Accumulate(logs, term_logs);
  }
  term_logs = std::move(logs);
  return loss;
}

std::vector<AlternatingUpdater::BatchPart> AlternatingUpdater::Parts(int64_t n) const {
  const int64_t count = std::min<int64_t>(options_.accumulation_steps, n);
  std::vector<BatchPart> parts;
  for (int64_t k = 0; k < count; ++k) {
    // Sizes differ by at most one row when n is not a multiple of the count.
    const int64_t begin = n * k / count, end = n * (k + 1) / count;
    parts.push_back({begin, end, count == 1 ? 1.0 : static_cast<double>(end - begin) / n});
  }
  return parts;
}

torch::Tensor AlternatingUpdater::BatchPart::Of(const torch::Tensor& batch) const {
  if (!batch.defined() || share == 1.0) return batch;
  return batch.slice(0, begin, end);
}

torch::Tensor AlternatingUpdater::BatchPart::Weighted(const torch::Tensor& value) const {
  return share == 1.0 ? value : value * share;
}

torch::Tensor AlternatingUpdater::BatchPart::Accumulate(const torch::Tensor& total,
                                                        const torch::Tensor& value) const {
  return total.defined() ? total + Weighted(value) : Weighted(value);
}

void AlternatingUpdater::BatchPart::Accumulate(std::map<std::string, torch::Tensor>& totals,
                                               const std::map<std::string, torch::Tensor>& values) const {
  for (const auto& [name, value] : values) totals[name] = Accumulate(totals[name], value);
}

torch::Tensor AlternatingUpdater::SampleLatent(int64_t n) const {
  const DataParallel* group = options_.data_parallel.get();
  if (group == nullptr || group->world_size() == 1) {
    return generator_->SampleLatent(n, options_.device);
  }
  return SliceForRank(generator_->SampleLatent(n * group->world_size(), options_.device),
                      group->rank(), group->world_size());
}

void AlternatingUpdater::Backward(const torch::Tensor& loss, DynamicLossScaler& scaler) {
  (options_.loss_scaling ? scaler.Scale(loss) : loss).backward();
}

bool AlternatingUpdater::Step(torch::optim::Optimizer& optimizer, const torch::Tensor& loss,
                              torch::nn::Module& module, DynamicLossScaler& scaler) {
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
  // Only the steps' forward passes (every rank takes them, in the same order) synchronize.
  SynchronizedBatchNormScope synchronized_batch_norm(
      options_.sync_batch_norm && options_.data_parallel
          ? SumOverRanks([group = options_.data_parallel](const torch::Tensor& value) {
              return group->SumOverRanks(value);
            })
          : SumOverRanks());
  if (rates_g_) {
    const double factor = options_.learning_rate_schedule.Factor(iteration);
    rates_g_->Apply(factor);
    rates_d_->Apply(factor);
  }
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
  // A skipped step's losses are left out, unless too many were skipped: then the trainer
  // sees them and stops.
  const bool leave_out_skipped =
      options_.skip_nonfinite_steps && skipped_steps_ <= options_.max_skipped_steps;
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
    losses["skipped_steps"] = torch::tensor(static_cast<float>(skipped_steps_));
  }
  if (options_.augmentation) {
    for (const auto& [name, value] : options_.augmentation->Logs()) losses[name] = value;
  }
  return losses;
}

void AlternatingUpdater::SaveAuxiliaryState(torch::serialize::OutputArchive& archive) const {
  for (const NamedLossTerm& named : options_.terms) {
    named.term->Save(archive, "terms/" + named.name + "/");
  }
  if (options_.augmentation) options_.augmentation->Save(archive, "augment/");
}

void AlternatingUpdater::LoadAuxiliaryState(torch::serialize::InputArchive& archive) {
  for (const NamedLossTerm& named : options_.terms) {
    named.term->Load(archive, "terms/" + named.name + "/");
  }
  if (options_.augmentation) options_.augmentation->Load(archive, "augment/");
}

std::string AlternatingUpdater::AuxiliaryState() const {
  torch::serialize::OutputArchive archive;
  SaveAuxiliaryState(archive);
  std::ostringstream bytes;
  archive.save_to(bytes);
  return bytes.str();
}

void AlternatingUpdater::RestoreAuxiliaryState(const std::string& state) {
  torch::serialize::InputArchive archive;
  std::istringstream bytes(state);
  archive.load_from(bytes);
  LoadAuxiliaryState(archive);
}

void AlternatingUpdater::Save(torch::serialize::OutputArchive& archive) const {
  SaveGanPair(archive, *generator_, *discriminator_, *optimizer_g_, *optimizer_d_);
  SaveAuxiliaryState(archive);
  archive.write("skipped_steps", torch::tensor(skipped_steps_));
  if (options_.loss_scaling) {
    loss_scaler_g_.Save(archive, "loss_scale_g");
    loss_scaler_d_.Save(archive, "loss_scale_d");
  }
}

void AlternatingUpdater::Load(torch::serialize::InputArchive& archive) {
  LoadGanPair(archive, *generator_, *discriminator_, *optimizer_g_, *optimizer_d_,
              options_.device);
  LoadAuxiliaryState(archive);
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
