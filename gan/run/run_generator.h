// The generator of a training run, rebuilt from its config.json and loaded from one of its
// checkpoints (the newest by default), without the data set: the image shape comes from
// the checkpoint's fingerprint. Shared by the `sample` and `evaluate` tools.
#ifndef GAN_RUN_RUN_GENERATOR_H_
#define GAN_RUN_RUN_GENERATOR_H_

#include <string>

#include "absl/status/statusor.h"
#include "gan/run/experiment_config.h"
#include "gan/networks/gan_modules.h"

namespace gan {

struct RunGenerator {
  Generator generator;  // on the CPU, in training mode
  ExperimentConfig config;
  std::string checkpoint;
  bool moving_average = false;  // the EMA weights were loaded
};

// `checkpoint` empty: the newest in <run_dir>/checkpoints. `prefer_average`: the EMA
// weights when the checkpoint has them.
absl::StatusOr<RunGenerator> LoadRunGenerator(const std::string& run_dir,
                                              const std::string& checkpoint,
                                              bool prefer_average);

}  // namespace gan

#endif  // GAN_RUN_RUN_GENERATOR_H_
