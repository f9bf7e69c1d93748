// Builds the updater an experiment config asks for: its update scheme's (the alternating
// updater with fresh loss terms and augmentation for logit discriminators, the energy-based
// loss's for autoencoders; gan/train/update_scheme.h), wrapped in the EMA of G when the ema
// section asks for one, and for a family with a growth schedule (PGGAN's) in the
// progressive-growing schedule (outermost).
#ifndef GAN_RUN_UPDATER_FACTORY_H_
#define GAN_RUN_UPDATER_FACTORY_H_

#include <memory>

#include "absl/status/statusor.h"
#include "gan/run/experiment_config.h"
#include "gan/networks/family.h"
#include "gan/train/data_parallel.h"
#include "gan/train/updater.h"

namespace gan {

// `data_parallel`: the group of a data-parallel run (null for one process); its
// gradients are averaged over the ranks (the alternating scheme only). Settings the
// scheme cannot honour with these networks (loss terms for an autoencoder, a term that
// trains a discriminator output the networks lack) are errors.
// `total_iterations`: the run's length, over which a learning-rate schedule decays (a
// schedule other than constant needs it).
absl::StatusOr<std::unique_ptr<Updater>> MakeUpdater(
    const ExperimentConfig& config, const Networks& networks, const torch::Device& device,
    std::shared_ptr<DataParallel> data_parallel = nullptr, int64_t total_iterations = 0);

}  // namespace gan

#endif  // GAN_RUN_UPDATER_FACTORY_H_
