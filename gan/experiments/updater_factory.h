// Builds the updater an experiment config asks for: the alternating updater (with the
// config's loss terms, fresh for each updater) for logit discriminators, the updater of
// the energy-based loss (ebgan or began) for autoencoder discriminators; wrapped in the EMA of G when
// the config asks for one (the ema section), and for networks that grow (PGGAN's) in the progressive-growing
// schedule (outermost).
#ifndef GAN_EXPERIMENTS_UPDATER_FACTORY_H_
#define GAN_EXPERIMENTS_UPDATER_FACTORY_H_

#include <memory>

#include "absl/status/statusor.h"
#include "gan/experiments/experiment_config.h"
#include "gan/networks/family.h"
#include "gan/train/data_parallel.h"
#include "gan/train/updater.h"

namespace gan {

// `data_parallel`: the group of a data-parallel run (null for one process); its
// gradients are averaged over the ranks (adversarial updaters only). Settings that do not
// apply to the networks (loss terms for an autoencoder, a growth schedule for networks
// that do not grow, a term that trains a discriminator output the networks lack) are
// errors.
// `total_iterations`: the run's length, over which a learning-rate schedule decays (a
// schedule other than constant needs it).
absl::StatusOr<std::unique_ptr<Updater>> MakeUpdater(
    const ExperimentConfig& config, const Networks& networks, const torch::Device& device,
    std::shared_ptr<DataParallel> data_parallel = nullptr, int64_t total_iterations = 0);

}  // namespace gan

#endif  // GAN_EXPERIMENTS_UPDATER_FACTORY_H_
