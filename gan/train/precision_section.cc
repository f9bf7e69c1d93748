#include "gan/train/precision_section.h"

namespace gan {

PrecisionSection ReadPrecisionSection(ConfigReader& reader) {
  PrecisionSection section;
  ReadNamed(reader, "mixed_precision", ParseMixedPrecision, "none, bf16 or fp16",
            &section.mixed_precision);
  reader.Read("channels_last", &section.channels_last);
  return section;
}

}  // namespace gan
