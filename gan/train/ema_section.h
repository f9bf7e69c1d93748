// The config's "ema" section: samples and metrics come from an exponential moving average
// of G's weights (gan/train/ema.h), read and validated here, where the average is made.
//
//   "ema": {"decay": 0.999, "start_g_steps": 1000, "buffers": "average"}     BigGAN's form
//   "ema": {"half_life_images": 10000, "rampup": 0.05}                       StyleGAN2-ADA's
//
// No section (or neither decay nor half_life_images) means no average.
//   decay             the average's decay per G step, in [0, 1)
//   half_life_images  instead of decay: the half-life in images shown to D, so that the
//                     average does not change with the batch size (10000 is StyleGAN2-ADA's,
//                     decay 0.99778 at batch 32)
//   rampup            with half_life_images: capped at rampup x the images seen so far
//                     (the reference's 0.05); 0 = off
//   start_g_steps     G steps before averaging starts (the average is a plain copy until then)
//   buffers           "copy" G's buffers (BatchNorm statistics, spectral-norm vectors), as
//                     StyleGAN does, or "average" them like the weights (BigGAN-PyTorch,
//                     StudioGAN)
#ifndef GAN_TRAIN_EMA_SECTION_H_
#define GAN_TRAIN_EMA_SECTION_H_

#include <cstdint>
#include <memory>

#include "gan/core/config.h"
#include "gan/train/updater.h"

namespace gan {

struct EmaSection {
  enum class Buffers { kCopy, kAverage };
  double decay = 0.0;
  double half_life_images = 0.0;
  double rampup = 0.0;
  int64_t start_g_steps = 0;
  Buffers buffers = Buffers::kCopy;

  bool enabled() const { return decay > 0 || half_life_images > 0; }
};

// Reads the section through `reader` (an absent section reads as the defaults: no
// average), recording invalid values on it.
EmaSection ReadEmaSection(ConfigReader& reader);

// `inner` with G's average kept in `shadow` as `section` says, G stepping once every
// `iterations_per_g_step` iterations of `images_per_iteration` images; `inner` itself when
// the section is off.
std::unique_ptr<Updater> WithEma(std::unique_ptr<Updater> inner, Generator shadow,
                                 const EmaSection& section, int iterations_per_g_step,
                                 int64_t images_per_iteration);

}  // namespace gan

#endif  // GAN_TRAIN_EMA_SECTION_H_
