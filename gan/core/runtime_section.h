// The config's "runtime" section: where and how the process computes, read and validated
// here beside what applies it (gan/core/runtime.h).
//
//   "runtime": {"device": "cuda", "threads": 8, "workers": 2, "seed": 0}
//
//   device   cpu | cuda | cuda:N (ParseDevice checks it when the run starts)
//   threads  LibTorch's intra-op threads; 0 = all hardware cores
//   workers  data-loader threads
//   seed     of every random generator (>= 0)
// --device, --threads and --seed set them from the command line.
#ifndef GAN_CORE_RUNTIME_SECTION_H_
#define GAN_CORE_RUNTIME_SECTION_H_

#include <cstdint>
#include <string>

#include "gan/core/config.h"

namespace gan {

struct RuntimeSection {
  std::string device = "cpu";
  int threads = 0;
  int workers = 2;
  int64_t seed = 0;
};

// Reads the section through `reader` (an absent section reads as the defaults),
// recording invalid values on it.
RuntimeSection ReadRuntimeSection(ConfigReader& reader);

}  // namespace gan

#endif  // GAN_CORE_RUNTIME_SECTION_H_
