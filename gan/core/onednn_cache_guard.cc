#include "gan/core/onednn_cache_guard.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <ATen/Context.h>
#include <ATen/Functions.h>
#include <ATen/Version.h>
#include <c10/core/InferenceMode.h>

#if defined(__x86_64__) && defined(__linux__)
#include <asm/prctl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>
#define GAN_HAS_CPUID_FAULTING 1
#endif

namespace gan {
namespace {

bool Before(OneDnnVersion a, int major, int minor) {
  return a.major < major || (a.major == major && a.minor < minor);
}

#ifdef GAN_HAS_CPUID_FAULTING

// Leaf 0x8000001D as oneDNN >= 3.8 assumes when the leaf is empty: L1d 32 KiB, L2 512 KiB,
// L3 1 MiB, each of one logical processor, with 64-byte lines (subleaf 1 is the L1i).
CpuidRegisters DefaultAmdCacheLeaf(uint32_t subleaf) {
  struct Cache {
    uint32_t type, level, ways, bytes;
  };
  static constexpr Cache kCaches[] = {
      {1, 1, 8, 32 << 10}, {2, 1, 8, 32 << 10}, {3, 2, 8, 512 << 10}, {3, 3, 16, 1 << 20}};
  if (subleaf >= 4) return {};
  const Cache& cache = kCaches[subleaf];
  constexpr uint32_t kLine = 64;
  CpuidRegisters r;
  r.eax = cache.type | cache.level << 5 | 1u << 8;  // self-initializing; sharing count 1
  r.ebx = (kLine - 1) | (cache.ways - 1) << 22;     // one partition
  r.ecx = cache.bytes / (cache.ways * kLine) - 1;   // sets
  return r;
}

long SetCpuidFaulting(bool faulting) {
  return syscall(SYS_arch_prctl, ARCH_SET_CPUID, faulting ? 0 : 1);
}

struct sigaction previous_segv_action;

// Answers a faulting CPUID: leaf 0x8000001D with the defaults, every other leaf as the CPU
// does. Any other fault puts the previous handler back and returns, so that the faulting
// instruction runs again under it.
void AnswerCpuid(int, siginfo_t*, void* context) {
  greg_t* registers = static_cast<ucontext_t*>(context)->uc_mcontext.gregs;
  const auto* instruction = reinterpret_cast<const unsigned char*>(registers[REG_RIP]);
  if (instruction[0] != 0x0F || instruction[1] != 0xA2) {
    sigaction(SIGSEGV, &previous_segv_action, nullptr);
    return;
  }
  const auto leaf = static_cast<uint32_t>(registers[REG_RAX]);
  const auto subleaf = static_cast<uint32_t>(registers[REG_RCX]);
  CpuidRegisters answer;
  if (leaf == kAmdCacheTopologyLeaf) {
    answer = DefaultAmdCacheLeaf(subleaf);
  } else {
    SetCpuidFaulting(false);
    answer = HardwareCpuid(leaf, subleaf);
    SetCpuidFaulting(true);
  }
  registers[REG_RAX] = answer.eax;
  registers[REG_RBX] = answer.ebx;
  registers[REG_RCX] = answer.ecx;
  registers[REG_RDX] = answer.edx;
  registers[REG_RIP] += 2;
}

// Runs a convolution that LibTorch gives to oneDNN (a 4x4 kernel always goes there), the
// first oneDNN call of the process, while CPUID faults into AnswerCpuid. False where the
// kernel does not offer CPUID faulting.
bool GiveOneDnnDefaultCacheSizes() {
  struct sigaction answer;
  std::memset(&answer, 0, sizeof answer);
  answer.sa_sigaction = AnswerCpuid;
  answer.sa_flags = SA_SIGINFO | SA_NODEFER;
  if (sigaction(SIGSEGV, &answer, &previous_segv_action) != 0) return false;
  if (SetCpuidFaulting(true) != 0) {
    sigaction(SIGSEGV, &previous_segv_action, nullptr);
    return false;
  }
  try {
    c10::InferenceMode inference;
    at::conv2d(at::ones({1, 1, 8, 8}), at::ones({1, 1, 4, 4}));
  } catch (...) {
    SetCpuidFaulting(false);
    sigaction(SIGSEGV, &previous_segv_action, nullptr);
    throw;
  }
  SetCpuidFaulting(false);
  sigaction(SIGSEGV, &previous_segv_action, nullptr);
  return true;
}

#else

bool GiveOneDnnDefaultCacheSizes() { return false; }

#endif  // GAN_HAS_CPUID_FAULTING

std::string VersionText(OneDnnVersion v) {
  return std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch);
}

OneDnnCacheGuardAction Guard() {
  const char* setting = std::getenv("GAN_ONEDNN_CACHE_GUARD");
  const OneDnnVersion version = RuntimeOneDnnVersion();
  if (!OneDnnMisreadsAmdCaches(HardwareCpuid, version)) return OneDnnCacheGuardAction::kNotNeeded;
  const std::string defect =
      "gan: oneDNN " + VersionText(version) +
      " reads this AMD CPU's empty CPUID cache leaf as 1-byte caches, and its convolutions' "
      "backward-data kernels then compute wrong results (a oneDNN defect, fixed in 3.8)";
  if (setting != nullptr && std::strcmp(setting, "off") == 0) {
    std::fprintf(stderr, "%s; GAN_ONEDNN_CACHE_GUARD=off leaves it so.\n", defect.c_str());
    return OneDnnCacheGuardAction::kSkipped;
  }
  if (GiveOneDnnDefaultCacheSizes()) {
    std::fprintf(stderr, "%s; it was given its default cache sizes instead.\n", defect.c_str());
    return OneDnnCacheGuardAction::kDefaultSizesGiven;
  }
  at::globalContext().setUserEnabledMkldnn(false);
  std::fprintf(stderr,
               "%s; this kernel cannot make CPUID fault, so LibTorch convolves without oneDNN "
               "(correct, several times slower).\n",
               defect.c_str());
  return OneDnnCacheGuardAction::kOneDnnTurnedOff;
}

// Before main(), so that no convolution runs before it.
[[maybe_unused]] const OneDnnCacheGuardAction kGuardAtStart = GuardOneDnnCacheSizes();

}  // namespace

OneDnnVersion ParseOneDnnVersion(const std::string& description) {
  OneDnnVersion version;
  for (size_t at = description.find(" v"); at != std::string::npos;
       at = description.find(" v", at + 1)) {
    if (std::sscanf(description.c_str() + at, " v%d.%d.%d", &version.major, &version.minor,
                    &version.patch) >= 2) {
      return version;
    }
    version = {};
  }
  return version;
}

OneDnnVersion RuntimeOneDnnVersion() {
  if (!at::globalContext().hasMKLDNN()) return {};
  return ParseOneDnnVersion(at::get_mkldnn_version());
}

bool OneDnnMisreadsAmdCaches(const CpuidFunction& cpuid, OneDnnVersion version) {
  if (Before(version, 3, 2) || !Before(version, 3, 8)) return false;
  return AmdCacheLeafIsEmpty(cpuid);
}

OneDnnCacheGuardAction GuardOneDnnCacheSizes() {
  static std::once_flag once;
  static OneDnnCacheGuardAction action = OneDnnCacheGuardAction::kNotNeeded;
  std::call_once(once, [] { action = Guard(); });
  return action;
}

std::string OneDnnCacheGuardActionName(OneDnnCacheGuardAction action) {
  switch (action) {
    case OneDnnCacheGuardAction::kNotNeeded:
      return "not needed";
    case OneDnnCacheGuardAction::kSkipped:
      return "skipped (GAN_ONEDNN_CACHE_GUARD=off)";
    case OneDnnCacheGuardAction::kDefaultSizesGiven:
      return "oneDNN given its default cache sizes";
    case OneDnnCacheGuardAction::kOneDnnTurnedOff:
      return "oneDNN turned off (no CPUID faulting)";
  }
  return "unknown";
}

}  // namespace gan
