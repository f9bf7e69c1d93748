// One training scheme: what a single iteration does with a batch. The trainer owns the
// loop, the updater owns the networks' optimizers and the update rule.
#ifndef GAN_TRAIN_UPDATER_H_
#define GAN_TRAIN_UPDATER_H_

#include <cstdint>
#include <map>
#include <string>

#include <torch/serialize/archive.h>

#include "gan/data/batch_loader.h"
#include "gan/networks/gan_modules.h"

namespace gan {

class Updater {
 public:
  virtual ~Updater() = default;
  // Runs iteration `iteration` (0-based) on `batch`; returns its losses as device
  // scalars, e.g. {"loss_d": ..., "loss_g": ...}. Iterations without a G step omit
  // "loss_g".
  virtual std::map<std::string, torch::Tensor> Update(const Batch& batch, int64_t iteration) = 0;

  // Everything the updater needs to continue exactly: networks, optimizers, counters.
  virtual void Save(torch::serialize::OutputArchive& archive) const = 0;
  virtual void Load(torch::serialize::InputArchive& archive) = 0;

  virtual const Generator& generator() const = 0;
  // The generator to sample and evaluate with: the trained one, or its moving average.
  virtual const Generator& sampling_generator() const { return generator(); }
  virtual torch::Device device() const = 0;

  // Forgets the optimizers' moment estimates and step counts (PGGAN resets them when a
  // new level starts to fade in, and when it is fully in). Updaters that cannot say so.
  virtual void ResetOptimizerState() {
    TORCH_CHECK(false, "this updater cannot reset its optimizers' state");
  }
};

}  // namespace gan

#endif  // GAN_TRAIN_UPDATER_H_
