// The JSON configuration of one experiment: data, model, loss, loss terms, augmentation,
// the average of G, training and output settings, read strictly (unknown keys and wrong
// types are errors naming the key) and validated before anything is trained. The model
// section belongs to its network family (gan/networks/family.h), the loss and terms
// sections to the losses and terms they name (gan/losses), the augment section to its
// augmentation (gan/augment), the ema section to the average (gan/train/ema_section.h),
// the optim section to the optimizers (gan/train/optim_section.h), the precision section
// to autocast and memory layout (gan/train/precision_section.h).
// Keys of the former flat layout (train.penalty, loss_options, train.ema_decay,
// train.lr_g, ...) are errors saying where they moved. See configs/*.json for complete examples.
#ifndef GAN_EXPERIMENTS_EXPERIMENT_CONFIG_H_
#define GAN_EXPERIMENTS_EXPERIMENT_CONFIG_H_

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "gan/augment/augmentation.h"
#include "gan/data/dataset_source.h"
#include "gan/losses/loss_section.h"
#include "gan/losses/terms/loss_term.h"
#include "gan/networks/family.h"
#include "gan/train/ema_section.h"
#include "gan/train/optim_section.h"
#include "gan/train/precision_section.h"

namespace gan {

struct TrainConfig {
  int64_t batch_size = 64;
  // Gradient accumulation: each iteration's steps take accumulation_steps batches of
  // batch_size in turn and update once, as one batch of batch_size * accumulation_steps
  // (the loader serves that many; an epoch has that many fewer iterations).
  int accumulation_steps = 1;
  // Data-parallel runs: BatchNorm normalizes with the statistics of the global batch
  // (all ranks), so that ranks compute what one process does on it.
  bool sync_batch_norm = false;
  // FreezeD: D's first N blocks keep their weights (with --init_from); 0 = off.
  int freeze_d_blocks = 0;
  int64_t epochs = 1;
  int64_t max_iterations = 0;  // > 0 overrides epochs
  int n_dis = 1;
  bool generator_first = false;  // G's step before D's (D reuses its fakes)
  double weight_clip = 0.0;      // WGAN: clip D's parameters to [-c, c]; 0 = off
  bool joint_batch_norm = false;  // one D pass over real+fake vs two passes
  int unroll_steps = 0;          // unrolled GAN look-ahead steps of D for G's loss
  // "unroll_order": "first", G's gradient treats the advanced D as fixed; "second", it
  // flows back through the look-ahead steps too (the paper's method; needs
  // optim.optimizer sgd with optim.beta1 0).
  bool unroll_second_order = false;
  // Growing networks (model.family pggan) only: images per stable phase and per fade-in
  // of a new level (PGGAN: 800k each); iteration i trains at the phase of i * batch_size
  // images.
  int64_t progressive_stable_images = 800000;
  int64_t progressive_fade_images = 800000;
  // PGGAN's code: D's real images fade between levels as G's fakes do, and both
  // optimizers start over when a fade starts and when it ends (progressive_updater.h).
  bool progressive_fade_reals = true;
  bool progressive_reset_optimizers = true;
  // A non-finite loss or gradient, "nonfinite": "stop" the run (the newest checkpoint is
  // from before it), or "skip" that optimizer step and count it, stopping after
  // max_skipped_steps.
  bool skip_nonfinite_steps = false;
  int64_t max_skipped_steps = 100;
  int64_t seed = 0;
  int threads = 0;  // 0 = all hardware cores
  int workers = 2;  // data loader threads
  std::string device = "cpu";

  // The images one iteration consumes (all ranks together): what the loader serves, and
  // what image-counted schedules (the EMA's half-life, growth) count.
  int64_t ImagesPerIteration() const { return batch_size * accumulation_steps; }
};

struct OutputConfig {
  int64_t sample_every = 500;  // iterations (0 = never); also every sample_every_epochs and at the end
  int64_t samples = 64;
  int64_t sample_columns = 8;
  bool sample_batch_statistics = true;  // BatchNorm in training mode for grids
  int64_t log_every = 50;
  int64_t sample_every_epochs = 1;   // 0 = not per epoch
  int64_t checkpoint_every = 1000;  // iterations; also every checkpoint_every_epochs and at the end
  int64_t checkpoint_every_epochs = 1;
  int keep_checkpoints = 3;
  double progress_seconds = 30;  // plain progress lines when not on a terminal
  // Metrics during training (gan/metrics): every N epochs / iterations (both 0 = off) and
  // at the end; the checkpoint with the best FID is kept as checkpoints/best.pt.
  int64_t evaluate_every_epochs = 0;
  int64_t evaluate_every = 0;
  int64_t evaluate_samples = 10000;       // generated images per evaluation
  std::string evaluate_split = "train";   // reference split
  std::string evaluate_extractor = "auto";  // see gan/metrics/extractor_factory.h
  std::string evaluate_resize = "pytorch";  // inception-v3: pytorch | tf1
  std::string evaluate_cache_dir;         // reference features; "" = ~/.cache/gan-toolkit
};

struct ExperimentConfig {
  std::string name;
  DataOptions data;
  ModelSection model;
  // Logit discriminators: an adversarial loss; autoencoder discriminators: an
  // energy-based one (gan/losses/loss_section.h). "hinge" when absent.
  LossSection loss;
  // Penalties, regularizers and class losses added to D's and G's losses
  // (gan/losses/terms/loss_term.h).
  LossTerms terms;
  // The augmentation of every image D sees (gan/augment/augmentation.h); none when absent.
  AugmentSection augment;
  // The average of G's weights that samples and metrics come from (gan/train/ema_section.h);
  // none when absent.
  EmaSection ema;
  // G's and D's optimizers and learning-rate schedule (gan/train/optim_section.h).
  OptimSection optim;
  // Autocast and memory layout (gan/train/precision_section.h).
  PrecisionSection precision;
  TrainConfig train;
  OutputConfig output;
};

// The version of the config format. Version 2 made the reference implementations' forms
// the defaults (terms.d2d_ce.form studiogan, terms.feature_matching.distance
// mean_absolute, model.minibatch_form improved_gan); version 3 did so for self-attention
// (model.attention_pool_keys), SNGAN's D blocks and initialization
// (model.d_hidden_channels input, model.residual_init_gain sqrt(2)) and PGGAN's fade
// (train.progressive_fade_reals, train.progressive_reset_optimizers), and counts
// the average's start in G steps (ema.start_g_steps; it was train.ema_start, in
// iterations). A run writes
// its version into its saved config.json; a saved config without one is version 1
// (TranslateSavedConfig).
inline constexpr int kConfigVersion = 3;

// Reads and validates; errors name the offending key and value.
absl::StatusOr<ExperimentConfig> ParseExperimentConfig(const nlohmann::json& json);

// A run directory's saved config in the current layout: one written before the loss
// terms, the loss and the average of G had sections of their own (train.penalty,
// train.class_loss, loss_options, train.ebgan_margin, train.ema_decay, ...) is
// translated, and one of an earlier config_version keeps that version's defaults where
// they changed (written out), so that such runs still resume and sample as they trained.
// Configs a user passes are not translated: their former keys are errors that say where
// each moved.
nlohmann::json TranslateSavedConfig(nlohmann::json json);

// What determines the networks' shapes: the model section (every key in force), the image
// shape, and whether G has a weight average. Stored in checkpoints, so that a resume with
// another architecture fails clearly.
std::string ArchitectureFingerprint(const ExperimentConfig& config, const ImageShape& shape);

// Whether a checkpoint written with fingerprint `saved` fits the networks of `current`:
// equal but for model keys added to a family since (not in `saved`: they had no other
// value then), or a fingerprint of the former flat layout (model keys at the top level,
// before the families read their own sections) that agrees on every key it has.
bool FingerprintMatches(const std::string& saved, const std::string& current);

}  // namespace gan

#endif  // GAN_EXPERIMENTS_EXPERIMENT_CONFIG_H_
