#include "gan/core/cpu_info.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "gan/core/testing/fake_cpu.h"

namespace gan {
namespace {

TEST(CpuInfoTest, ReadsVendorBrandFamilyAndModelAsTheManualsEncodeThem) {
  const CpuidFunction cpuid = FakeGenoa().Function();
  EXPECT_EQ(CpuVendor(cpuid), "AuthenticAMD");
  EXPECT_EQ(CpuBrand(cpuid), "AMD EPYC 9R14 96-Core Processor");
  // Family 0xF + extended family 0xA; model 0x1 with extended model 0x1.
  EXPECT_NE(DescribeCpu(cpuid).find("(AuthenticAMD, family 0x19 model 0x11)"), std::string::npos)
      << DescribeCpu(cpuid);

  FakeCpu intel;
  intel.Set(0, 0, {0x20, 0, 0, 0}).Vendor("GenuineIntel");
  intel.Set(1, 0, {0x000806F8, 0, 0, 0});  // Sapphire Rapids: family 6, model 0x8F
  EXPECT_NE(DescribeCpu(intel.Function()).find("unnamed CPU (GenuineIntel, family 0x6 model 0x8f)"),
            std::string::npos)
      << DescribeCpu(intel.Function());
}

TEST(CpuInfoTest, VectorExtensionsComeFromTheirLeafBits) {
  EXPECT_EQ(VectorExtensions(FakeGenoa().Function()),
            (std::vector<std::string>{"avx2", "fma", "avx512f", "avx512_bf16"}));
  FakeCpu amx;
  amx.Set(0, 0, {7, 0, 0, 0});
  amx.Set(7, 0, {0, 1u << 31, 1u << 11, (1u << 22) | (1u << 23) | (1u << 24)});
  EXPECT_EQ(VectorExtensions(amx.Function()),
            (std::vector<std::string>{"avx512vl", "avx512_vnni", "avx512_fp16", "amx_tile",
                                      "amx_bf16"}));
}

TEST(CpuInfoTest, AnAmdCacheLeafIsEmptyWhenMissingOrWithoutAFirstCache) {
  EXPECT_TRUE(AmdCacheLeafIsEmpty(FakeGenoa().Function()));
  EXPECT_TRUE(AmdCacheLeafIsEmpty(FakeGenoa(/*max_extended_leaf=*/0x80000008).Function()));
  // A 32 KiB L1 data cache in subleaf 0: type 1, level 1.
  FakeCpu reporting = FakeGenoa();
  reporting.Set(kAmdCacheTopologyLeaf, 0, {1 | 1 << 5, 63 | 7 << 22, 63, 0});
  EXPECT_FALSE(AmdCacheLeafIsEmpty(reporting.Function()));
  EXPECT_NE(DescribeCpu(FakeGenoa().Function()).find("leaf 0x8000001D (caches) empty"),
            std::string::npos);
  // Intel CPUs describe caches in leaf 4; an empty AMD leaf means nothing there.
  FakeCpu intel;
  intel.Set(0, 0, {0x20, 0, 0, 0}).Vendor("GenuineIntel");
  intel.Set(0x80000000, 0, {0x80000008, 0, 0, 0});
  EXPECT_FALSE(AmdCacheLeafIsEmpty(intel.Function()));
}

// The kernel's own reading of this machine's CPUID, /proc/cpuinfo, as the oracle.
TEST(CpuInfoTest, ThisMachineAgreesWithProcCpuinfo) {
  std::ifstream file("/proc/cpuinfo");
  if (!file) GTEST_SKIP() << "no /proc/cpuinfo";
  std::string vendor;
  std::set<std::string> flags;
  for (std::string line; std::getline(file, line);) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = line.substr(0, line.find_first_of(" \t"));
    if (key == "vendor_id" && vendor.empty()) vendor = line.substr(colon + 2);
    if (key == "flags" && flags.empty()) {
      std::istringstream words(line.substr(colon + 1));
      for (std::string flag; words >> flag;) flags.insert(flag);
    }
  }
  if (vendor.empty()) GTEST_SKIP() << "/proc/cpuinfo names no x86 vendor";
  EXPECT_EQ(CpuVendor(HardwareCpuid), vendor);
  const std::vector<std::string> reported = VectorExtensions(HardwareCpuid);
  // AMX needs the kernel's consent to use, so /proc/cpuinfo may omit what CPUID reports.
  for (const char* name : {"avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
                           "avx512_bf16", "avx512_fp16"}) {
    const bool in_cpuid = std::count(reported.begin(), reported.end(), name) > 0;
    EXPECT_EQ(in_cpuid, flags.count(name) > 0) << name;
  }
}

}  // namespace
}  // namespace gan
