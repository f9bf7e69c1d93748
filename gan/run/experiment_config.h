// The JSON configuration of one experiment: data, model, loss, loss terms, augmentation,
// the average of G, training and output settings, read strictly (unknown keys and wrong
// types are errors naming the key) and validated before anything is trained. The model
// section belongs to its network family (gan/networks/family.h), the loss and terms
// sections to the losses and terms they name (gan/losses), the augment section to its
// augmentation (gan/augment), the ema section to the average (gan/train/ema_section.h),
// the optim section to the optimizers (gan/train/optim_section.h), the precision section
// to autocast and memory layout (gan/train/precision_section.h), the update section to
// the update scheme it names (gan/train/update_scheme.h), the runtime section to the
// process (gan/core/runtime_section.h); a growing family's schedule is in its model section.
// Keys of the former flat layout (train.penalty, loss_options, train.ema_decay,
// train.lr_g, train.n_dis, train.seed, ...) are errors saying where they moved. See
// gan/experiments/configs/*.json for complete examples.
#ifndef GAN_RUN_EXPERIMENT_CONFIG_H_
#define GAN_RUN_EXPERIMENT_CONFIG_H_

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "gan/augment/augmentation.h"
#include "gan/core/runtime_section.h"
#include "gan/data/dataset_source.h"
#include "gan/losses/loss_section.h"
#include "gan/losses/terms/loss_term.h"
#include "gan/networks/family.h"
#include "gan/train/ema_section.h"
#include "gan/train/optim_section.h"
#include "gan/train/precision_section.h"
#include "gan/train/update_scheme.h"

namespace gan {

// What is left of the former flat train section: how long the run is, in batches of what
// size.
struct TrainConfig {
  int64_t batch_size = 64;
  int64_t epochs = 1;
  int64_t max_iterations = 0;  // > 0 overrides epochs
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
  // How each iteration updates G and D (gan/train/update_scheme.h); the loss's scheme when
  // absent.
  UpdateSection update;
  // Device, threads, loader workers, seed (gan/core/runtime_section.h).
  RuntimeSection runtime;
  TrainConfig train;
  OutputConfig output;
};

// The version of the config format. Version 2 made the reference implementations' forms
// the defaults (terms.d2d_ce.form studiogan, terms.feature_matching.distance
// mean_absolute, model.minibatch_form improved_gan); version 3 did so for self-attention
// (model.attention_pool_keys), SNGAN's D blocks and initialization
// (model.d_hidden_channels input, model.residual_init_gain sqrt(2)) and PGGAN's fade
// (model.growth.fade_reals, model.growth.reset_optimizers), and counts
// the average's start in G steps (ema.start_g_steps; it was train.ema_start, in
// iterations). A run writes
// its version into its saved config.json; a saved config without one is version 1
// (TranslateSavedConfig).
inline constexpr int kConfigVersion = 3;

// The images one iteration consumes (all ranks together): train.batch_size times the
// batches the update scheme takes (gradient accumulation). What the loader serves and what
// image-counted schedules (the EMA's half-life, growth) count.
int64_t ImagesPerIteration(const ExperimentConfig& config);

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

#endif  // GAN_RUN_EXPERIMENT_CONFIG_H_
