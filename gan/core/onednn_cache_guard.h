// A guard against a oneDNN defect that makes LibTorch's convolutions compute wrong gradients
// (errors of 15-70%, often NaN) on some AMD machines.
//
// oneDNN 3.2 to 3.7 (inside LibTorch 2.2 to 2.7, Debian 13's 2.6 among them) read an AMD
// CPU's cache sizes from CPUID leaf 0x8000001D without checking that the leaf describes any
// cache. Hypervisors that leave the leaf empty (virtual machines where OpenBLAS, too, warns
// that it "could not determine the L2 cache size") make oneDNN size every cache at 1 byte,
// and its direct convolutions' backward-data kernels (also the forward of transposed
// convolutions) then pick a blocking that gives wrong results, on one thread or several.
// oneDNN 3.8 falls back to default sizes (32 KiB, 512 KiB, 1 MiB per core) when the leaf is
// empty; this guard gives the affected versions the same defaults, once, before oneDNN first
// reads the CPU: it makes CPUID fault on the calling thread (Linux's ARCH_SET_CPUID), answers
// leaf 0x8000001D with those sizes and every other leaf truthfully, and runs one small oneDNN
// convolution, which makes oneDNN read and keep the CPU's description. Where CPUID faulting
// is unavailable it turns oneDNN off for LibTorch instead (correct but slower convolutions).
// Nothing changes on other machines or versions.
//
// Every program that links @libtorch//:torch runs it at start-up (this library is linked
// into each, see third_party/libtorch.bzl); GAN_ONEDNN_CACHE_GUARD=off skips it.
//
//   gan::OneDnnCacheGuardAction action = gan::GuardOneDnnCacheSizes();   // idempotent
#ifndef GAN_CORE_ONEDNN_CACHE_GUARD_H_
#define GAN_CORE_ONEDNN_CACHE_GUARD_H_

#include <string>

#include "gan/core/cpu_info.h"

namespace gan {

struct OneDnnVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;
};

// The version in LibTorch's description of its oneDNN ("Intel(R) MKL-DNN v3.7.2 (Git Hash
// N/A)"); {0, 0, 0} where the text names none.
OneDnnVersion ParseOneDnnVersion(const std::string& description);

// The oneDNN LibTorch runs with ({0, 0, 0} when it has none).
OneDnnVersion RuntimeOneDnnVersion();

// Whether oneDNN `version` misreads the caches of the CPU that `cpuid` describes: an AMD
// CPU with an empty cache leaf, and a version from 3.2 (the first to read that leaf) to
// before 3.8 (the first to check it).
bool OneDnnMisreadsAmdCaches(const CpuidFunction& cpuid, OneDnnVersion version);

enum class OneDnnCacheGuardAction {
  kNotNeeded,            // another CPU, or a oneDNN without the defect
  kSkipped,              // GAN_ONEDNN_CACHE_GUARD=off
  kDefaultSizesGiven,    // oneDNN now holds its default cache sizes
  kOneDnnTurnedOff,      // CPUID faulting unavailable: LibTorch convolves without oneDNN
};

// Applies the guard where this machine and LibTorch need it (the first call decides; later
// calls return the same), and says on stderr what it did when it did anything.
OneDnnCacheGuardAction GuardOneDnnCacheSizes();

// "not needed", "skipped (GAN_ONEDNN_CACHE_GUARD=off)", ...
std::string OneDnnCacheGuardActionName(OneDnnCacheGuardAction action);

}  // namespace gan

#endif  // GAN_CORE_ONEDNN_CACHE_GUARD_H_
