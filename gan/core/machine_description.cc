#include "gan/core/machine_description.h"

#include <cstdlib>

#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <torch/version.h>

#include "gan/core/cpu_info.h"
#include "gan/core/onednn_cache_guard.h"

namespace gan {
namespace {

// The value of `key: value` in LibTorch's build description; "unknown" where absent.
std::string ConfigValue(const std::string& config, const std::string& key) {
  const size_t at = config.find(key + ": ");
  if (at == std::string::npos) return "unknown";
  const size_t start = at + key.size() + 2;
  return config.substr(start, config.find('\n', start) - start);
}

}  // namespace

std::string DescribeMachine() {
  const OneDnnVersion onednn = RuntimeOneDnnVersion();
  std::string line = DescribeCpu() + "; LibTorch " + TORCH_VERSION + ", oneDNN ";
  line += onednn.major == 0 ? std::string("none")
                            : std::to_string(onednn.major) + "." + std::to_string(onednn.minor) +
                                  "." + std::to_string(onednn.patch);
  line += ", ATen CPU capability " + ConfigValue(at::show_config(), "CPU capability usage");
  line += ", " + std::to_string(at::get_num_threads()) + " intra-op threads";
  for (const char* pin : {"ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA",
                          "OPENBLAS_CORETYPE", "OMP_NUM_THREADS"}) {
    if (const char* value = std::getenv(pin)) line += std::string(", ") + pin + "=" + value;
  }
  return line + "; oneDNN cache guard: " + OneDnnCacheGuardActionName(GuardOneDnnCacheSizes());
}

}  // namespace gan
