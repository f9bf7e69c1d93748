// The JSON configuration of one experiment: data, model, loss, training and output
// settings, read strictly (unknown keys and wrong types are errors naming the key) and
// validated before anything is trained. See configs/*.json for complete examples.
#ifndef GAN_EXPERIMENTS_EXPERIMENT_CONFIG_H_
#define GAN_EXPERIMENTS_EXPERIMENT_CONFIG_H_

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "gan/data/dataset_source.h"

namespace gan {

struct ModelConfig {
  // dcgan: DCGAN G and D. ebgan / began: DCGAN G and an autoencoder D (energy-based
  // training, the matching updater is chosen with the family). resnet / sagan / biggan:
  // the ResNet networks of gan/networks/resnet (SNGAN, SAGAN, BigGAN-style). stylegan:
  // StyleGAN's G with PGGAN's D at full resolution. pggan: PGGAN's G and D, grown by the
  // train.progressive_* schedule. stylegan and pggan are unconditional.
  std::string family = "dcgan";
  std::string variant = "standard";  // dcgan: standard | seed000 | libtorch_example
  int64_t width = 64;                // base channel count where the variant allows it
  int64_t latent_dim = 100;
  double init_std = 0.02;            // N(0, init_std) conv weights; 0 = LibTorch default
  bool d_batch_norm = true;          // BatchNorm in D (off for gradient penalties)
  int64_t minibatch_kernels = 0;     // > 0: minibatch discrimination in D
  int64_t minibatch_kernel_dim = 5;
  int64_t code_dim = 64;             // autoencoder D's code (ebgan, began)
  // Conditional GANs (resnet families): classes > 0 makes G class-conditional; `head` is
  // D's output head: unconditional | projection | acgan | reacgan.
  int64_t num_classes = 0;
  std::string head = "unconditional";
  int64_t embedding_dim = 512;         // reacgan: D's hypersphere dimension
  int64_t shared_embedding_dim = 128;  // biggan: G's shared class embedding
  // Self-attention in G and D after the blocks at this resolution: -1 = the family's
  // default (sagan: half the image size; others: none), 0 = none.
  int64_t attention_resolution = -1;
  // stylegan only (StyleGanSpec's defaults): depth of the z -> w mapping network, and the
  // probability that a training batch mixes the styles of two latents.
  int64_t mapping_layers = 8;
  double style_mixing_probability = 0.9;
};

struct LossOptionsConfig {
  double real_target = 1.0;  // label smoothing for bce losses: 0.9 = one-sided
  double fake_target = 0.0;
};

struct TrainConfig {
  int64_t batch_size = 64;
  int64_t epochs = 1;
  int64_t max_iterations = 0;  // > 0 overrides epochs
  double lr_g = 2e-4;
  double lr_d = 2e-4;
  double beta1 = 0.5;
  double beta2 = 0.999;
  std::string optimizer = "adam";  // adam | rmsprop (beta2 is its alpha) | sgd (beta1 is momentum)
  int n_dis = 1;
  bool generator_first = false;  // seed 000 updates G before D
  std::string penalty = "none";  // none | wgan_gp | dragan | r1
  double penalty_weight = 10.0;
  double weight_clip = 0.0;      // WGAN: clip D's parameters to [-c, c]; 0 = off
  bool joint_batch_norm = false;  // one D pass over real+fake (seed 001) vs two passes
  bool feature_matching = false;
  int unroll_steps = 0;          // unrolled GAN look-ahead steps of D for G's loss
  double ebgan_margin = 1.0;
  double pull_away_weight = 0.1;
  double began_gamma = 0.5;
  double began_lambda_k = 0.001;
  std::string class_loss = "none";  // none | acgan | d2d_ce (needs the matching head)
  double class_loss_weight = 1.0;
  double d2d_margin = 0.98;          // D2D-CE positive margin m_p (m_n = 1 - m_p)
  double d2d_temperature = 0.5;
  double orthogonal_regularization = 0.0;  // BigGAN's beta on G's weights; 0 = off
  double drift_weight = 0.0;  // PGGAN's epsilon_drift: + weight * mean(D(real)^2); 0 = off
  double ema_decay = 0.0;            // > 0: sample from an EMA of G's weights
  int64_t ema_start = 0;             // iterations before averaging starts (plain copy)
  // pggan only: images per stable phase and per fade-in of a new level (PGGAN: 800k
  // each); iteration i trains at the phase of i * batch_size images.
  int64_t progressive_stable_images = 800000;
  int64_t progressive_fade_images = 800000;
  // A non-finite loss or gradient: "stop" the run (the newest checkpoint is from before
  // it), or "skip" that optimizer step and count it, stopping after max_skipped_steps.
  // Forward passes under autocast: none | bf16 (CPU with AVX-512 BF16, or CUDA) | fp16 (CUDA).
  std::string mixed_precision = "none";
  // Networks and batches in channels-last (NHWC) memory format: faster convolutions for
  // large images (96x96: +24% on the benchmark machine), slower for 28x28 and 32x32.
  bool channels_last = false;
  std::string nonfinite = "stop";
  int64_t max_skipped_steps = 100;
  int64_t seed = 0;
  int threads = 0;  // 0 = all hardware cores
  int workers = 2;  // data loader threads
  std::string device = "cpu";
};

struct OutputConfig {
  int64_t sample_every = 500;  // iterations (0 = never); also every sample_every_epochs and at the end
  int64_t samples = 64;
  int64_t sample_columns = 8;
  bool sample_batch_statistics = true;  // BatchNorm in training mode for grids (as seed 000)
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
  ModelConfig model;
  std::string loss = "hinge";
  LossOptionsConfig loss_options;
  TrainConfig train;
  OutputConfig output;
};

// Reads and validates; errors name the offending key and value.
absl::StatusOr<ExperimentConfig> ParseExperimentConfig(const nlohmann::json& json);

// The part of the config that determines the networks' shapes; stored in checkpoints so
// a resume with another architecture fails clearly.
std::string ArchitectureFingerprint(const ExperimentConfig& config, int64_t image_size,
                                    int64_t image_channels);

}  // namespace gan

#endif  // GAN_EXPERIMENTS_EXPERIMENT_CONFIG_H_
