// The standard alternating GAN update: a D step on every batch and a G step every
// n_dis-th batch, with separate optimizer settings for G and D (TTUR), in either order:
//   - D first (the common form): D on real and fresh fakes, then G on new latents.
//   - G first (as some PyTorch scripts do): G steps on fresh fakes, then D reuses those fakes, detached.
// During the G step D's parameters are excluded from autograd, so D accumulates no
// gradients there (and no time is spent computing them).
//
// The updater owns the step order and the two objectives; each other concern is a
// collaborator with its own tests: an OptimizerStep per network (optimizer, learning-rate
// schedule, data-parallel averaging, loss scaling, non-finite skipping), BackwardOverParts
// (gradient accumulation), UnrolledLookAhead, FrozenBlocks (FreezeD, clipping) and
// AuxiliaryState (the terms' and the augmentation's state).
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
// FreezeD: with freeze_d_blocks N, D's first N blocks keep their weights (a
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
//                    as fixed. unroll_order kSecond: it also flows back through the K steps
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

#include "gan/losses/adversarial_loss.h"
#include "gan/train/alternating_updater_options.h"
#include "gan/train/auxiliary_state.h"
#include "gan/train/frozen_blocks.h"
#include "gan/train/loss_scaler.h"
#include "gan/train/optimizer_step.h"
#include "gan/train/unrolled_look_ahead.h"
#include "gan/train/updater.h"

namespace gan {

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
  const DynamicLossScaler& loss_scaler_g() const { return step_g_.loss_scaler(); }
  const torch::optim::Optimizer& optimizer_g() const { return step_g_.optimizer(); }
  const torch::optim::Optimizer& optimizer_d() const { return step_d_.optimizer(); }
  const DynamicLossScaler& loss_scaler_d() const { return step_d_.loss_scaler(); }

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
  OptimizerStep step_g_, step_d_;
  AuxiliaryState auxiliary_state_;  // the terms' and the augmentation's
  std::map<std::string, torch::Tensor> term_logs_d_, term_logs_g_;  // of the last steps
  int64_t loaded_skipped_steps_ = 0;  // counted before the checkpoint this run resumed
  bool generator_skipped_ = false, discriminator_skipped_ = false;  // in this Update
  FrozenBlocks frozen_blocks_;  // FreezeD's (none when off)

  // Non-finite steps skipped over the run (resumes included).
  int64_t SkippedSteps() const;
  // Adds the D parts (`discriminator`) or G parts of the terms to `loss` (undefined: none
  // yet), recording the logged ones in `logs` under "<log name><suffix>".
  torch::Tensor AddTerms(torch::Tensor loss, StepContext& step, bool discriminator,
                         std::map<std::string, torch::Tensor>& logs);
  // Gives a step's terms means over the data-parallel ranks and D's view of images.
  void PrepareStep(StepContext& step) const;
  // The mean over the data-parallel ranks (null in one process).
  RankMean MeanOverRanks() const;
  // `images` as D sees them (augmented, if an augmentation is on).
  torch::Tensor DiscriminatorView(const torch::Tensor& images) const;
  // n latent vectors for this rank (of the same draw every rank makes for the group).
  torch::Tensor SampleLatent(int64_t n) const;
  // What the unrolled look-ahead of G's step needs to take D's steps on `real`.
  LookAheadHooks LookAheadHooksFor(const torch::Tensor& real, const torch::Tensor& labels);
  torch::Tensor GeneratorObjective(const torch::Tensor& real, const torch::Tensor& fakes,
                                   const torch::Tensor& latents, const torch::Tensor& labels);
  // D's loss, terms included, on one part of a batch; sets `real_logits` (detached).
  torch::Tensor DiscriminatorObjective(const torch::Tensor& real, const torch::Tensor& labels,
                                       const torch::Tensor& fakes, const torch::Tensor& latents,
                                       torch::Tensor& real_logits);
  // Both steps' losses and logs for Update's result (see "Divergence" above).
  std::map<std::string, torch::Tensor> Report(std::map<std::string, torch::Tensor> losses,
                                              bool generator_stepped) const;
};

}  // namespace gan

#endif  // GAN_TRAIN_ALTERNATING_UPDATER_H_
