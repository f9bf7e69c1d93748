// Builds the updater an experiment config asks for: the alternating updater (with its
// stabilization options) for logit discriminators, EBGAN's or BEGAN's updater for the
// energy-based families.
#ifndef GAN_EXPERIMENTS_UPDATER_FACTORY_H_
#define GAN_EXPERIMENTS_UPDATER_FACTORY_H_

#include <memory>

#include <torch/torch.h>

#include "absl/status/statusor.h"
#include "gan/experiments/experiment_config.h"
#include "gan/experiments/network_factory.h"
#include "gan/train/updater.h"

namespace gan {

absl::StatusOr<std::unique_ptr<Updater>> MakeUpdater(const ExperimentConfig& config,
                                                     const Networks& networks,
                                                     const torch::Device& device);

}  // namespace gan

#endif  // GAN_EXPERIMENTS_UPDATER_FACTORY_H_
