// The standard alternating GAN update: a D step on every batch and a G step every
// n_dis-th batch, with separate optimizer settings for G and D (TTUR), in either order:
//   - D first (the common form): D on real and fresh fakes, then G on new latents.
//   - G first (as some PyTorch scripts do): G steps on fresh fakes, then D reuses those fakes, detached.
// During the G step D's parameters are excluded from autograd, so D accumulates no
// gradients there (and no time is spent computing them).
//
// Loss terms (gan/losses/terms): penalties, regularizers and auxiliary class losses
// (WGAN-GP, R1, drift, ACGAN, D2D-CE, LeCam, CR/bCR/zCR, orthogonal regularization,
// feature matching, ...) are added to D's and G's adversarial losses in the order of their
// names; a term that replaces G's loss (feature matching) stands in for it. Terms see the
// step's fakes with the latents they were made from (zCR perturbs them). Terms with a log
// name are reported as "<name>_d" and "<name>_g" ("penalty_d", "class_d", "class_g"). The
// terms' state (LeCam's moving averages) is checkpointed with the networks. D's step also
// logs its mean logits on the reals and on the fakes ("logit_real", "logit_fake").
//
// Augmentation (gan/augment): with one, D sees every image, real or fake, in D's step and
// in G's, through it, each call with fresh random draws; G's gradient flows through it.
// An adaptive one (ADA) observes D's real logits after every applied D step (not the
// look-ahead ones), its state is checkpointed, and its values (augment_p) are logged.
// The terms see the images unaugmented and D through the augmentation (StepContext::
// DiscriminatorView), so that R1's gradient is with respect to the real images themselves.
//
// Gradient accumulation: with accumulation_steps K, D's and G's steps each run over K
// consecutive parts of the batch in turn (forward and backward), each part's loss weighted
// by its share of the batch, and step once: the update of the whole batch with the
// activations of one part. Latents are drawn for the whole batch and split, so a run
// equals, to rounding, one without accumulation for networks without batch statistics
// (BatchNorm, minibatch discrimination normalize over a part) where nothing else is drawn
// at random per part (augmentation, WGAN-GP's and DRAGAN's points, the consistency terms'
// transforms draw in another order: the same in distribution); terms whose value is not a
// mean over images (feature matching, D2D-CE, LeCam's moving averages) are refused
// (LossTerm::needs_whole_batch). Logged losses are the whole batch's.
//
// FreezeD: with freeze_discriminator_blocks N, D's first N blocks keep their weights (a
// run started from another run's, --init_from): their parameters never require gradients.
//
// Update schemes:
//   weight_clip      WGAN: D's parameters clipped to [-c, c] after every D step
//   joint_batch_norm D sees real and fake as one concatenated batch (BatchNorm statistics
//                    over both) instead of two separate forward passes
//   unroll_steps     unrolled GAN: G's loss is taken against D advanced K more steps on
//                    the current real batch; D (its optimizer and the terms' state) is then
//                    restored, so the look-ahead never reaches D's real weights or a
//                    checkpoint. First-order (default): G's gradient treats the advanced D
//                    as fixed. unroll_second_order: it also flows back through the K steps
//                    (the paper's method; gan/train/unrolled_gradient.h), for D trained by
//                    plain SGD (the steps must be differentiable as they are taken)
//
// A batch's labels reach the networks only when G is class-conditional (num_classes() > 0)
// or a term needs them; unconditional networks (some of which refuse labels) train
// on labelled data as on unlabelled.
//
// Data parallelism: with a DataParallel group, gradients are averaged over the ranks
// before every optimizer step, and latent batches are drawn for all ranks and sliced, so
// the ranks together take one process's step on the global batch (see data_parallel.h),
// for networks with BatchNorm too when sync_batch_norm is on.
//
// Loss scaling: with loss_scaling (on by default for fp16 autocast, where small
// gradients underflow otherwise), G's and D's losses are multiplied by a dynamic scale
// before backward, one DynamicLossScaler each (gan/train/loss_scaler.h); a step whose
// scaled gradients overflow is skipped and its scale halved. Such skips are part of fp16
// training, not divergence: they are not counted in skipped_steps. Gradient penalties
// differentiate D's unscaled output.
//
// Divergence: with skip_nonfinite_steps, a step whose loss or gradients are NaN or Inf is
// not applied; its loss is left out of Update's result and "skipped_steps" (the running
// count, kept in checkpoints) is added. Past max_skipped_steps the non-finite loss is
// returned, so the trainer stops as it does without skipping.
//
//   gan::AlternatingUpdater updater(g, d, *gan::AdversarialLossByName("hinge"), options);
//   auto losses = updater.Update(batch, iteration);
#ifndef GAN_TRAIN_ALTERNATING_UPDATER_H_
#define GAN_TRAIN_ALTERNATING_UPDATER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gan/augment/augmentation.h"
#include "gan/losses/adversarial_loss.h"
#include "gan/losses/terms/loss_term.h"
#include "gan/train/data_parallel.h"
#include "gan/train/learning_rate_schedule.h"
#include "gan/train/loss_scaler.h"
#include "gan/train/mixed_precision.h"
#include "gan/train/optimization.h"
#include "gan/train/updater.h"

namespace gan {

struct AlternatingUpdaterOptions {
  bool generator_first = false;
  int n_dis = 1;  // D steps per G step
  OptimizerOptions optimizer_g;
  OptimizerOptions optimizer_d;
  // Both optimizers' rates over the run (gan/train/learning_rate_schedule.h), set from the
  // iteration before each Update's steps.
  LearningRateSchedule learning_rate_schedule;
  torch::Device device = torch::kCPU;
  std::vector<NamedLossTerm> terms;  // in name order (ReadLossTerms keeps them so)
  // Applied to every image D sees, real and fake, in both steps (null: none); see above.
  std::shared_ptr<Augmentation> augmentation;
  double weight_clip = 0.0;  // 0 = no clipping
  bool joint_batch_norm = false;
  int unroll_steps = 0;
  bool unroll_second_order = false;
  bool skip_nonfinite_steps = false;
  int64_t max_skipped_steps = 100;
  std::shared_ptr<DataParallel> data_parallel;  // null: one process
  // Forward passes and losses under autocast (bf16 on the CPU, fp16/bf16 on CUDA).
  MixedPrecision mixed_precision = MixedPrecision::kNone;
  // Dynamic loss scaling (see above; the experiments turn it on for fp16). Off: the
  // losses are backpropagated as they are.
  bool loss_scaling = false;
  LossScalerOptions loss_scaler;
  // G, D and the real batches in channels-last memory format (gan/train/memory_format.h).
  bool channels_last = false;
  // Gradient accumulation (see above): each step over this many parts of the batch in turn.
  int accumulation_steps = 1;
  // With data_parallel: the networks' BatchNorm layers (gan/nn/batch_norm.h) normalize
  // with the statistics of the global batch during Update (synchronized BatchNorm).
  bool sync_batch_norm = false;
  // FreezeD (Mo et al. 2020): D's first N blocks (DiscriminatorModule::block_parameters)
  // are not trained; their BatchNorm running statistics still follow the batches.
  int freeze_discriminator_blocks = 0;
};

// Whether `options` can train `discriminator` (an error names the config key): no term that
// needs the whole batch under accumulation, none that runs G again on D's fakes' latents
// (zCR) in G-first order, no more frozen blocks than D has, second-order unrolling only
// where its steps can be replayed exactly (see above). The constructor checks it too.
absl::Status CheckAlternatingUpdaterOptions(const AlternatingUpdaterOptions& options,
                                            DiscriminatorModule& discriminator);

class AlternatingUpdater : public Updater {
 public:
  AlternatingUpdater(Generator generator, Discriminator discriminator, AdversarialLoss loss,
                     AlternatingUpdaterOptions options);

  std::map<std::string, torch::Tensor> Update(const Batch& batch, int64_t iteration) override;
  void Save(torch::serialize::OutputArchive& archive) const override;
  void Load(torch::serialize::InputArchive& archive) override;
  const Generator& generator() const override { return generator_; }
  const Discriminator& discriminator() const { return discriminator_; }
  torch::Device device() const override { return options_.device; }
  // Both optimizers start over (Adam's moments and step count); learning rates stay.
  void ResetOptimizerState() override;
  const DynamicLossScaler& loss_scaler_g() const { return loss_scaler_g_; }
  const torch::optim::Optimizer& optimizer_g() const { return *optimizer_g_; }
  const torch::optim::Optimizer& optimizer_d() const { return *optimizer_d_; }
  const DynamicLossScaler& loss_scaler_d() const { return loss_scaler_d_; }

  // The two halves of an iteration, public for tests and composite updaters.
  // GeneratorStep makes real.size(0) fakes (the real batch is used by feature matching
  // and unrolling) and returns its loss and the fakes, detached, with their latents.
  struct GeneratorStepResult {
    torch::Tensor loss, fakes, latents;
  };
  GeneratorStepResult GeneratorStep(const torch::Tensor& real, const torch::Tensor& labels);
  // `fakes` undefined: draws fresh ones without building G's graph. `latents`: those of
  // given fakes, for terms that perturb them (zCR); may be undefined. Returns D's loss,
  // terms included.
  torch::Tensor DiscriminatorStep(const torch::Tensor& real, const torch::Tensor& labels,
                                  torch::Tensor fakes, torch::Tensor latents = {});

 private:
  Generator generator_;
  Discriminator discriminator_;
  AdversarialLoss loss_;
  AlternatingUpdaterOptions options_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_g_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_d_;
  std::unique_ptr<ScheduledLearningRates> rates_g_, rates_d_;

  // Adds the D parts (`discriminator`) or G parts of the terms to `loss` (undefined: none
  // yet), recording the logged ones in `logs` under "<log name><suffix>".
  torch::Tensor AddTerms(torch::Tensor loss, StepContext& step, bool discriminator,
                         std::map<std::string, torch::Tensor>& logs);
  std::map<std::string, torch::Tensor> term_logs_d_, term_logs_g_;  // of the last steps
  // Gives a step's terms means over the data-parallel ranks and D's view of images.
  void PrepareStep(StepContext& step) const;
  // The mean over the data-parallel ranks (null in one process).
  RankMean MeanOverRanks() const;
  // `images` as D sees them (augmented, if an augmentation is on).
  torch::Tensor DiscriminatorView(const torch::Tensor& images) const;
  // The state of the terms, under "terms/<name>/", and of the augmentation, under
  // "augment/" (LeCam's averages, ADA's p); as bytes, to undo a step's updates of it.
  void SaveAuxiliaryState(torch::serialize::OutputArchive& archive) const;
  void LoadAuxiliaryState(torch::serialize::InputArchive& archive);
  std::string AuxiliaryState() const;
  void RestoreAuxiliaryState(const std::string& state);
  // Whether there is such state (found once): only then do steps copy it to undo them.
  bool has_auxiliary_state_ = false;

  // D's parameters that FreezeD keeps fixed: they never require gradients, so no step
  // changes them.
  std::vector<torch::Tensor> frozen_;
  // D's parameters require gradients (D's step) or not (G's), the frozen ones never.
  void SetDiscriminatorTrainable(bool trainable);
  // WGAN's clipping of D's parameters after its step; frozen blocks keep theirs.
  void ClipTrainedWeights();

  // Backpropagates `loss` (scaled when loss scaling is on), adding to the gradients.
  void Backward(const torch::Tensor& loss, DynamicLossScaler& scaler);
  // Steps `optimizer` on the gradients backpropagated since they were cleared, unless the
  // step (`loss`, its whole-batch loss, or its gradients) is not finite and skipping (or
  // loss scaling) is on; see above.
  bool Step(torch::optim::Optimizer& optimizer, const torch::Tensor& loss,
            torch::nn::Module& module, DynamicLossScaler& scaler);
  DynamicLossScaler loss_scaler_g_, loss_scaler_d_;
  // n latent vectors for this rank (of the same draw every rank makes for the group).
  torch::Tensor SampleLatent(int64_t n) const;
  int64_t skipped_steps_ = 0;
  bool generator_skipped_ = false, discriminator_skipped_ = false;  // in this Update

  // G's step's unrolled look-ahead: K D steps on the real batch (the caller's snapshot of D
  // undoes them; the skip count, D's term logs and the terms' state are restored here).
  // With second order, `replay` gets where each step started, to differentiate through it.
  struct LookAheadStart;
  void LookAhead(const torch::Tensor& real, const torch::Tensor& labels,
                 std::vector<LookAheadStart>* replay);
  // Adds to G's gradients the part of G's loss's gradient that flows through the look-ahead
  // steps, given D's gradients from G's loss (gan/train/unrolled_gradient.h).
  void BackpropagateThroughLookAhead(const torch::Tensor& real, const torch::Tensor& labels,
                                     std::vector<LookAheadStart>& starts);
  torch::Tensor GeneratorObjective(const torch::Tensor& real, const torch::Tensor& fakes,
                                   const torch::Tensor& latents, const torch::Tensor& labels);
  // D's loss, terms included, on one part of a batch; sets `real_logits` (detached).
  torch::Tensor DiscriminatorObjective(const torch::Tensor& real, const torch::Tensor& labels,
                                       const torch::Tensor& fakes, const torch::Tensor& latents,
                                       torch::Tensor& real_logits);

  // Rows [begin, end) of a batch, whose loss counts with weight `share` (its fraction of
  // the batch): a part's gradients summed over the parts are the whole batch's.
  struct BatchPart {
    int64_t begin, end;
    double share;
    torch::Tensor Of(const torch::Tensor& batch) const;  // undefined stays undefined
    torch::Tensor Weighted(const torch::Tensor& value) const;
    torch::Tensor Accumulate(const torch::Tensor& total, const torch::Tensor& value) const;
    void Accumulate(std::map<std::string, torch::Tensor>& totals,
                    const std::map<std::string, torch::Tensor>& values) const;
  };
  // The accumulation_steps parts of a batch of n rows (one, the whole, by default).
  std::vector<BatchPart> Parts(int64_t n) const;
  // Backpropagates `part_loss` of each part of a batch of n rows, weighted by its share;
  // returns the whole batch's loss (detached), and sets `term_logs` (which `part_loss`
  // sets per part) to the whole batch's.
  torch::Tensor BackwardOverParts(int64_t n, DynamicLossScaler& scaler,
                                  std::map<std::string, torch::Tensor>& term_logs,
                                  const std::function<torch::Tensor(const BatchPart&)>& part_loss);
};

}  // namespace gan

#endif  // GAN_TRAIN_ALTERNATING_UPDATER_H_
