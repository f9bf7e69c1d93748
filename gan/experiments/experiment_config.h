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
  std::string family = "dcgan";      // network family (gan/networks/<family>)
  std::string variant = "standard";  // dcgan: standard | seed000 | libtorch_example
  int64_t width = 64;                // base channel count where the variant allows it
  int64_t latent_dim = 100;
  double init_std = 0.02;            // N(0, init_std) conv weights; 0 = LibTorch default
};

struct TrainConfig {
  int64_t batch_size = 64;
  int64_t epochs = 1;
  int64_t max_iterations = 0;  // > 0 overrides epochs
  double lr_g = 2e-4;
  double lr_d = 2e-4;
  double beta1 = 0.5;
  double beta2 = 0.999;
  int n_dis = 1;
  bool generator_first = false;  // seed 000 updates G before D
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
};

struct ExperimentConfig {
  std::string name;
  DataOptions data;
  ModelConfig model;
  std::string loss = "hinge";
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
