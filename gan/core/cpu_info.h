// What the CPU says of itself through CPUID: vendor, brand, the vector extensions LibTorch's
// kernels choose between, and whether an AMD CPU reports its caches. The readers take the
// CPUID function as an argument, so that tests can give them another CPU's answers.
//
//   std::cerr << gan::DescribeCpu();   // "AMD EPYC 9R14 96-Core Processor (AuthenticAMD,
//                                      //  family 0x19 model 0x11): avx2 avx512f ...; ..."
//   if (gan::AmdCacheLeafIsEmpty(gan::HardwareCpuid)) { ... }
#ifndef GAN_CORE_CPU_INFO_H_
#define GAN_CORE_CPU_INFO_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace gan {

struct CpuidRegisters {
  uint32_t eax = 0;
  uint32_t ebx = 0;
  uint32_t ecx = 0;
  uint32_t edx = 0;
};

// CPUID of (leaf, subleaf).
using CpuidFunction = std::function<CpuidRegisters(uint32_t leaf, uint32_t subleaf)>;

// This machine's CPUID; all zeros where the processor is not x86.
CpuidRegisters HardwareCpuid(uint32_t leaf, uint32_t subleaf);

// The AMD cache-topology leaf: one subleaf per cache (L1d, L1i, L2, L3, then type 0).
constexpr uint32_t kAmdCacheTopologyLeaf = 0x8000001D;

// "GenuineIntel", "AuthenticAMD", ...; "" where CPUID answers nothing.
std::string CpuVendor(const CpuidFunction& cpuid);

// The brand string ("AMD EPYC 9R14 96-Core Processor"), trimmed; "" where absent.
std::string CpuBrand(const CpuidFunction& cpuid);

// The vector extensions LibTorch, oneDNN and OpenBLAS choose kernels by, among avx2, fma,
// avx512f, avx512bw, avx512vl, avx512_vnni, avx512_bf16, avx512_fp16, amx_tile, amx_bf16,
// in that order: those this CPU reports.
std::vector<std::string> VectorExtensions(const CpuidFunction& cpuid);

// Whether the CPU is AMD and leaf 0x8000001D is missing or reports no first cache, as some
// hypervisors leave it. (Real AMD processors since family 0x17 describe their caches there.)
bool AmdCacheLeafIsEmpty(const CpuidFunction& cpuid);

// One line: brand, vendor, family and model, vector extensions, and, on AMD, the state of
// the cache leaf.
std::string DescribeCpu(const CpuidFunction& cpuid = HardwareCpuid);

}  // namespace gan

#endif  // GAN_CORE_CPU_INFO_H_
