// The updater the checkpoint fuzzer loads into and its seed checkpoint is written from:
// tiny DCGANs with Adam and a generator moving average, so fuzzed files reach every part
// of a real checkpoint (networks, optimizers, EMA shadow, RNG state, counters).
#ifndef GAN_FUZZ_TINY_UPDATER_H_
#define GAN_FUZZ_TINY_UPDATER_H_

#include <memory>

#include <torch/utils.h>

#include "gan/losses/adversarial_loss.h"
#include "gan/networks/dcgan/dcgan.h"
#include "gan/train/alternating_updater.h"
#include "gan/train/ema_updater.h"

namespace gan {

inline constexpr char kTinyUpdaterFingerprint[] = "fuzz: dcgan 32x1 width 2 latent 4";

inline std::unique_ptr<EmaUpdater> MakeTinyUpdater() {
  torch::manual_seed(0);
  const DcganSpec spec = StandardDcganSpec(32, 1, 2, 4);
  auto inner = std::make_unique<AlternatingUpdater>(
      MakeDcganGenerator(spec), MakeDcganDiscriminator(spec), *AdversarialLossByName("hinge"),
      AlternatingUpdaterOptions());
  return std::make_unique<EmaUpdater>(std::move(inner), MakeDcganGenerator(spec),
                                      EmaOptions{0.9, 0});
}

}  // namespace gan

#endif  // GAN_FUZZ_TINY_UPDATER_H_
