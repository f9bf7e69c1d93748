#include "gan/core/runtime_section.h"

namespace gan {

RuntimeSection ReadRuntimeSection(ConfigReader& reader) {
  RuntimeSection section;
  reader.Read("device", &section.device);
  reader.Read("threads", &section.threads);
  reader.Read("workers", &section.workers);
  reader.Read("seed", &section.seed);
  RequireNonNegative(reader, "threads", section.threads);
  RequireNonNegative(reader, "workers", section.workers);
  RequireNonNegative(reader, "seed", static_cast<double>(section.seed));
  return section;
}

}  // namespace gan
