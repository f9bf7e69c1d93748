// Progressive growing (PGGAN) as a wrapper around any updater: before each iteration it
// puts the growing generator and discriminator (and the sampling generator, when that is
// another growing generator such as an EMA shadow) into the schedule's phase for
// the images seen so far, then runs the inner updater. The phase lives in the networks'
// "level" / "alpha" buffers, so checkpoints carry it and Save/Load only delegate; a
// resumed run recomputes the same phase from the restored iteration.
//
// images_seen = iteration * options.images_per_iteration, the configured images per
// iteration (batch size x accumulation steps, not the batch at hand): a pure function of
// the iteration, so resume cannot shift it. Each iteration shows D one real batch, as
// PGGAN counts images (with n_dis > 1 this counts D's images, not G's).
//
// Two options follow PGGAN's code (Karras et al.'s progressive_growing_of_gans, both on
// there): fade_reals shows D the real images blended between two levels exactly as G's
// fakes are during a fade (BlendRealsForFade), and reset_optimizers clears both networks'
// optimizer state at the first iteration of every fade and of every stable phase after one
// (a phase change against the previous iteration, so a resumed run resets where an
// uninterrupted one does).
//
// Update's result adds the phase as "level" and "alpha" scalars, so they reach log.jsonl
// and TensorBoard (averaged over each log window there, like the losses).
//
//   auto updater = std::make_unique<gan::ProgressiveUpdater>(
//       std::move(inner), g, d, gan::ProgressiveUpdaterOptions{{g->num_levels(), 600000,
//                                                               600000}, /*batch=*/64});
#ifndef GAN_TRAIN_PROGRESSIVE_UPDATER_H_
#define GAN_TRAIN_PROGRESSIVE_UPDATER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "gan/train/progressive_schedule.h"
#include "gan/train/updater.h"

namespace gan {

struct ProgressiveUpdaterOptions {
  ProgressiveScheduleOptions schedule;  // num_levels must be the networks' num_levels()
  int64_t images_per_iteration = 64;    // batch size x accumulation steps
  bool fade_reals = false;
  bool reset_optimizers = false;
};

// The real images [N, C, S, S] as D sees them at (level, alpha): at the level's resolution
// r = 4 * 2^level, alpha * x_r + (1 - alpha) * upsample2(avgpool2(x_r)), returned at full
// size (nearest upsampling, which D's average pooling undoes exactly). Unchanged outside
// a fade (alpha 1).
torch::Tensor BlendRealsForFade(const torch::Tensor& images, int64_t level, double alpha);

class ProgressiveUpdater : public Updater {
 public:
  // `inner` trains `generator` (its generator()) and `discriminator`, networks that grow
  // (GeneratorModule::growing). Checks the options and sets the phase of iteration 0,
  // which a checkpoint's Load then overrides.
  ProgressiveUpdater(std::unique_ptr<Updater> inner, Generator generator,
                     Discriminator discriminator, ProgressiveUpdaterOptions options);

  std::map<std::string, torch::Tensor> Update(const Batch& batch, int64_t iteration) override;
  void Save(torch::serialize::OutputArchive& archive) const override { inner_->Save(archive); }
  void Load(torch::serialize::InputArchive& archive) override { inner_->Load(archive); }
  const Generator& generator() const override { return inner_->generator(); }
  const Generator& sampling_generator() const override { return inner_->sampling_generator(); }
  torch::Device device() const override { return inner_->device(); }

  // The phase the networks train at in iteration `iteration` (0-based).
  ProgressivePhase PhaseAt(int64_t iteration) const;
  const ProgressiveUpdaterOptions& options() const { return options_; }

 private:
  void SetPhase(const ProgressivePhase& phase);
  bool StartsAPhase(int64_t iteration) const;

  std::unique_ptr<Updater> inner_;
  Generator generator_;
  Discriminator discriminator_;
  GrowingNetwork* growing_generator_;
  GrowingNetwork* growing_discriminator_;
  GrowingNetwork* growing_sampler_ = nullptr;  // null unless a separate growing G
  ProgressiveUpdaterOptions options_;
};

}  // namespace gan

#endif  // GAN_TRAIN_PROGRESSIVE_UPDATER_H_
