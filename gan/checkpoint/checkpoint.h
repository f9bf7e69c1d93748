// Checkpoints: the updater (networks, optimizers), the training position and LibTorch's
// CPU random generator, plus a fingerprint of the configuration that built the networks.
// Files are written atomically as <dir>/ckpt_<iteration>.pt; the newest `keep` are kept.
// Resuming takes the newest checkpoint that loads, skipping (and reporting) broken ones.
//
//   GAN_RETURN_IF_ERROR(gan::SaveCheckpoint(path, updater, state, fingerprint));
//   ASSIGN_OR_RETURN(std::string used,
//                    gan::ResumeFromLatest(dir, updater, state, fingerprint));
#ifndef GAN_CHECKPOINT_CHECKPOINT_H_
#define GAN_CHECKPOINT_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gan/core/strict_load.h"
#include "gan/train/extension.h"
#include "gan/train/training_state.h"
#include "gan/train/updater.h"

namespace gan {

std::string CheckpointPath(const std::string& dir, int64_t iteration);

absl::Status SaveCheckpoint(const std::string& path, const Updater& updater,
                            const TrainingState& state, const std::string& fingerprint);

// Restores `updater` and the position fields of `state`. A missing, truncated or
// foreign file, or one written for a different configuration (fingerprint), is an error
// naming the file and the mismatch; `updater` may then be partly overwritten, so try
// the next checkpoint or rebuild it.
// Whether a checkpoint written with fingerprint `saved` fits a run whose fingerprint is
// `current`; without one, only an equal fingerprint does.
using FingerprintMatcher = bool (*)(const std::string& saved, const std::string& current);

absl::Status LoadCheckpoint(const std::string& path, Updater& updater, TrainingState& state,
                            const std::string& fingerprint, FingerprintMatcher matches = nullptr);

// The configuration fingerprint a checkpoint was written with.
absl::StatusOr<std::string> ReadCheckpointFingerprint(const std::string& path);

// Loads only the generator's weights into `generator` (on the CPU): the moving average
// ("generator_ema", see ema_updater.h) when `prefer_average` and the checkpoint has one,
// else the trained generator. Returns whether the average was used.
absl::StatusOr<bool> LoadCheckpointGenerator(const std::string& path,
                                             torch::nn::Module& generator, bool prefer_average);

// Starts a new run from the networks of the checkpoint at `path` (--init_from): G's and D's
// weights, and the moving average's into `average` when it is not null (the checkpoint's
// average, or its G where it keeps none), each tensor that fits copied and every other
// one reported (strict_load.h: TransferModuleWeights). Nothing else is taken: optimizer
// state, position, random state and the terms' state start afresh.
absl::StatusOr<WeightTransfer> TransferCheckpointWeights(const std::string& path,
                                                         torch::nn::Module& generator,
                                                         torch::nn::Module& discriminator,
                                                         torch::nn::Module* average);

// (iteration, path) of every ckpt_*.pt in `dir`, oldest first.
std::vector<std::pair<int64_t, std::string>> ListCheckpoints(const std::string& dir);

// Loads the newest checkpoint that loads; returns its path. NotFound if `dir` has none,
// otherwise the last load error when none loads.
absl::StatusOr<std::string> ResumeFromLatest(const std::string& dir, Updater& updater,
                                             TrainingState& state,
                                             const std::string& fingerprint,
                                             FingerprintMatcher matches = nullptr);

class CheckpointExtension : public Extension {
 public:
  CheckpointExtension(const Updater& updater, std::string dir, int keep, std::string fingerprint)
      : updater_(updater), dir_(std::move(dir)), keep_(keep), fingerprint_(std::move(fingerprint)) {}
  std::string name() const override { return "checkpoint"; }
  absl::Status Run(TrainingState& state) override;

 private:
  const Updater& updater_;
  std::string dir_;
  int keep_;
  std::string fingerprint_;
};

}  // namespace gan

#endif  // GAN_CHECKPOINT_CHECKPOINT_H_
