#include "gan/train/ema_section.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gan/train/ema_updater.h"

namespace gan {

EmaSection ReadEmaSection(ConfigReader& reader) {
  EmaSection section;
  std::string buffers = "copy";
  reader.Read("decay", &section.decay);
  reader.Read("half_life_images", &section.half_life_images);
  reader.Read("rampup", &section.rampup);
  reader.Read("start_g_steps", &section.start_g_steps);
  reader.Read("buffers", &buffers);
  if (section.decay < 0 || section.decay >= 1) {
    reader.Invalid("decay", absl::StrCat("must be in [0, 1) (0 = off), got ", section.decay));
  }
  RequireNonNegative(reader, "half_life_images", section.half_life_images);
  RequireNonNegative(reader, "rampup", section.rampup);
  if (section.decay > 0 && section.half_life_images > 0) {
    reader.Invalid("half_life_images", absl::StrCat("sets the average's decay, which ema.decay (",
                                                    section.decay, ") sets too: give one of them"));
  }
  if (section.rampup > 0 && section.half_life_images == 0) {
    reader.Invalid("rampup", "shortens ema.half_life_images, which is not set");
  }
  RequireNonNegative(reader, "start_g_steps", static_cast<double>(section.start_g_steps));
  if (buffers == "average") {
    section.buffers = EmaSection::Buffers::kAverage;
  } else if (buffers != "copy") {
    reader.Invalid("buffers", "must be copy or average, got '" + buffers + "'");
  }
  return section;
}

std::unique_ptr<Updater> WithEma(std::unique_ptr<Updater> inner, Generator shadow,
                                 const EmaSection& section, int iterations_per_g_step,
                                 int64_t images_per_iteration) {
  if (!section.enabled()) return inner;
  const EmaOptions options{section.decay, section.start_g_steps,
                           section.buffers == EmaSection::Buffers::kAverage};
  if (section.half_life_images == 0) {
    return std::make_unique<EmaUpdater>(std::move(inner), std::move(shadow), options, iterations_per_g_step);
  }
  return std::make_unique<EmaUpdater>(
      std::move(inner), std::move(shadow), options,
      EmaHalfLife{section.half_life_images, section.rampup, images_per_iteration}, iterations_per_g_step);
}

}  // namespace gan
