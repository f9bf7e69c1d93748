// Builds the updater an experiment config asks for: the alternating updater (with its
// stabilization options) for logit discriminators, EBGAN's or BEGAN's updater for the
// energy-based families; wrapped in the EMA of G when train.ema_decay > 0, and for pggan
// in the progressive-growing schedule (outermost).
#ifndef GAN_EXPERIMENTS_UPDATER_FACTORY_H_
#define GAN_EXPERIMENTS_UPDATER_FACTORY_H_

#include <memory>

#include "absl/status/statusor.h"
#include "gan/experiments/experiment_config.h"
#include "gan/experiments/network_factory.h"
#include "gan/train/data_parallel.h"
#include "gan/train/updater.h"

namespace gan {

// `data_parallel`: the group of a data-parallel run (null for one process); its
// gradients are averaged over the ranks (adversarial updaters only).
absl::StatusOr<std::unique_ptr<Updater>> MakeUpdater(
    const ExperimentConfig& config, const Networks& networks, const torch::Device& device,
    std::shared_ptr<DataParallel> data_parallel = nullptr);

}  // namespace gan

#endif  // GAN_EXPERIMENTS_UPDATER_FACTORY_H_
