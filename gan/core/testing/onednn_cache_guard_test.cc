#include "gan/core/onednn_cache_guard.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "gan/core/runfiles.h"
#include "gan/core/testing/fake_cpu.h"

#if defined(__x86_64__) && defined(__linux__)
#include <asm/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace gan {
namespace {

TEST(OneDnnCacheGuardTest, ReadsTheVersionFromLibTorchsDescription) {
  const OneDnnVersion debian13 = ParseOneDnnVersion("Intel(R) MKL-DNN v3.7.2 (Git Hash N/A)");
  EXPECT_EQ(debian13.major, 3);
  EXPECT_EQ(debian13.minor, 7);
  EXPECT_EQ(debian13.patch, 2);
  const OneDnnVersion later = ParseOneDnnVersion(
      "Intel(R) oneDNN v3.10.1 (Git Hash 5e9224036021433d2577548ed0539fe9a53256bc)");
  EXPECT_EQ(later.major, 3);
  EXPECT_EQ(later.minor, 10);
  EXPECT_EQ(later.patch, 1);
  EXPECT_EQ(ParseOneDnnVersion("").major, 0);
  EXPECT_EQ(ParseOneDnnVersion("Intel(R) MKL-DNN vnext").major, 0);
}

TEST(OneDnnCacheGuardTest, OnlyOneDnn32To37MisreadsAnAmdCpuWithAnEmptyCacheLeaf) {
  const CpuidFunction hidden = FakeGenoa().Function();
  EXPECT_FALSE(OneDnnMisreadsAmdCaches(hidden, {3, 1, 9}));  // reads no AMD leaf
  EXPECT_TRUE(OneDnnMisreadsAmdCaches(hidden, {3, 2, 0}));
  EXPECT_TRUE(OneDnnMisreadsAmdCaches(hidden, {3, 7, 3}));
  EXPECT_FALSE(OneDnnMisreadsAmdCaches(hidden, {3, 8, 0}));  // checks the leaf
  EXPECT_FALSE(OneDnnMisreadsAmdCaches(hidden, {4, 0, 0}));
  EXPECT_FALSE(OneDnnMisreadsAmdCaches(hidden, {0, 0, 0}));  // LibTorch without oneDNN
  FakeCpu reporting = FakeGenoa();
  reporting.Set(kAmdCacheTopologyLeaf, 0, {1 | 1 << 5, 63 | 7 << 22, 63, 0});
  EXPECT_FALSE(OneDnnMisreadsAmdCaches(reporting.Function(), {3, 7, 2}));
}

#if defined(__x86_64__) && defined(__linux__) && !defined(__SANITIZE_ADDRESS__)

bool KernelOffersCpuidFaulting() {
  if (syscall(SYS_arch_prctl, ARCH_SET_CPUID, 0) != 0) return false;
  syscall(SYS_arch_prctl, ARCH_SET_CPUID, 1);
  return true;
}

struct ProbeResult {
  double max_relative_error = -1;
  std::string guard;
  std::string output;
};

// Runs convolution_probe with the CPU emulated as an AMD EPYC whose cache leaves are
// `caches` ("empty" or "genoa"), with GAN_ONEDNN_CACHE_GUARD=`guard`, and CPUID faulting
// for the program "available" or "unavailable".
ProbeResult RunProbeOnEmulatedAmd(const std::string& caches, const std::string& guard,
                                  const std::string& faulting = "available") {
  const std::string dir = FindRunfile("gan/core/testing").value() + "/";
  const std::string command = "GAN_EMULATED_AMD_CACHES=" + caches +
                              " GAN_EMULATED_CPUID_FAULTING=" + faulting +
                              " GAN_ONEDNN_CACHE_GUARD=" + guard + " LD_PRELOAD=" + dir +
                              "libamd_cpuid_emulation.so " + dir + "convolution_probe 2>&1";
  ProbeResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) result.output += buffer;
  pclose(pipe);
  const size_t at = result.output.find("max_relative_error=");
  if (at == std::string::npos) return result;
  result.max_relative_error = std::strtod(result.output.c_str() + at + 19, nullptr);
  const size_t guard_at = result.output.find(" guard=", at);
  result.guard = result.output.substr(guard_at + 7, result.output.find('\n', guard_at) - guard_at - 7);
  return result;
}

// The defect and the guard, reproduced on whatever CPU runs the test: on an emulated AMD
// CPU with empty cache leaves, an affected oneDNN computes wrong convolution gradients
// unless guarded; with the leaves filled in, nothing needs guarding.
TEST(OneDnnCacheGuardTest, KeepsConvolutionsRightOnAnEmulatedAmdCpuThatHidesItsCaches) {
  if (!KernelOffersCpuidFaulting()) GTEST_SKIP() << "this kernel or CPU cannot fault CPUID";
  const OneDnnVersion version = RuntimeOneDnnVersion();
  const bool affected = OneDnnMisreadsAmdCaches(FakeGenoa().Function(), version);
  SCOPED_TRACE("oneDNN " + std::to_string(version.major) + "." + std::to_string(version.minor));

  ProbeResult unguarded = RunProbeOnEmulatedAmd("empty", "off");
  ASSERT_GE(unguarded.max_relative_error, 0) << unguarded.output;
  // With the misread caches the result depends on how the probe's two threads are
  // scheduled: alone it is the same wrong one every run, on a loaded machine (CI runs tests
  // side by side) it varies (errors of 0.24, 0.46, 0.54) and was once right. The defect is
  // shown by any of a few runs.
  for (int run = 1; affected && run < 8 && unguarded.max_relative_error < 1e-2; ++run) {
    unguarded = RunProbeOnEmulatedAmd("empty", "off");
  }
  if (affected) {
    // Errors of 15-70% (or NaN, which compares false) where float32 gives 1e-6.
    EXPECT_FALSE(unguarded.max_relative_error < 1e-2) << unguarded.output;
    EXPECT_EQ(unguarded.guard, "skipped (GAN_ONEDNN_CACHE_GUARD=off)");
  } else {
    EXPECT_LT(unguarded.max_relative_error, 1e-4) << unguarded.output;
    EXPECT_EQ(unguarded.guard, "not needed");
  }

  const ProbeResult guarded = RunProbeOnEmulatedAmd("empty", "on");
  EXPECT_LT(guarded.max_relative_error, 1e-4) << guarded.output;
  EXPECT_EQ(guarded.guard, affected ? "oneDNN given its default cache sizes" : "not needed");

  // Without CPUID faulting, LibTorch convolves without oneDNN.
  const ProbeResult without_faulting = RunProbeOnEmulatedAmd("empty", "on", "unavailable");
  EXPECT_LT(without_faulting.max_relative_error, 1e-4) << without_faulting.output;
  EXPECT_EQ(without_faulting.guard,
            affected ? "oneDNN turned off (no CPUID faulting)" : "not needed");

  const ProbeResult genoa = RunProbeOnEmulatedAmd("genoa", "on");
  EXPECT_LT(genoa.max_relative_error, 1e-4) << genoa.output;
  EXPECT_EQ(genoa.guard, "not needed");
}

#endif

}  // namespace
}  // namespace gan
