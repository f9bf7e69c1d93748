#include "gan/core/cpu_info.h"

#include <cstdio>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace gan {
namespace {

bool Bit(uint32_t value, int bit) { return (value >> bit) & 1u; }

uint32_t MaxExtendedLeaf(const CpuidFunction& cpuid) { return cpuid(0x80000000u, 0).eax; }

}  // namespace

CpuidRegisters HardwareCpuid(uint32_t leaf, uint32_t subleaf) {
  CpuidRegisters r;
#if defined(__x86_64__) || defined(__i386__)
  __cpuid_count(leaf, subleaf, r.eax, r.ebx, r.ecx, r.edx);
#else
  (void)leaf;
  (void)subleaf;
#endif
  return r;
}

std::string CpuVendor(const CpuidFunction& cpuid) {
  const CpuidRegisters r = cpuid(0, 0);
  char vendor[13] = {};
  std::memcpy(vendor, &r.ebx, 4);
  std::memcpy(vendor + 4, &r.edx, 4);
  std::memcpy(vendor + 8, &r.ecx, 4);
  return vendor;
}

std::string CpuBrand(const CpuidFunction& cpuid) {
  if (MaxExtendedLeaf(cpuid) < 0x80000004u) return "";
  char brand[49] = {};
  for (uint32_t i = 0; i < 3; ++i) {
    const CpuidRegisters r = cpuid(0x80000002u + i, 0);
    std::memcpy(brand + 16 * i, &r, 16);
  }
  std::string trimmed = brand;
  trimmed.erase(0, trimmed.find_first_not_of(' '));
  trimmed.erase(trimmed.find_last_not_of(' ') + 1);
  return trimmed;
}

std::vector<std::string> VectorExtensions(const CpuidFunction& cpuid) {
  const uint32_t max_leaf = cpuid(0, 0).eax;
  if (max_leaf < 1) return {};
  const CpuidRegisters leaf1 = cpuid(1, 0);
  const CpuidRegisters leaf7 = max_leaf >= 7 ? cpuid(7, 0) : CpuidRegisters{};
  const CpuidRegisters leaf7_1 = max_leaf >= 7 && leaf7.eax >= 1 ? cpuid(7, 1) : CpuidRegisters{};
  const std::pair<const char*, bool> extensions[] = {
      {"avx2", Bit(leaf7.ebx, 5)},         {"fma", Bit(leaf1.ecx, 12)},
      {"avx512f", Bit(leaf7.ebx, 16)},     {"avx512bw", Bit(leaf7.ebx, 30)},
      {"avx512vl", Bit(leaf7.ebx, 31)},    {"avx512_vnni", Bit(leaf7.ecx, 11)},
      {"avx512_bf16", Bit(leaf7_1.eax, 5)}, {"avx512_fp16", Bit(leaf7.edx, 23)},
      {"amx_tile", Bit(leaf7.edx, 24)},    {"amx_bf16", Bit(leaf7.edx, 22)},
  };
  std::vector<std::string> present;
  for (const auto& [name, has] : extensions) {
    if (has) present.push_back(name);
  }
  return present;
}

bool AmdCacheLeafIsEmpty(const CpuidFunction& cpuid) {
  if (CpuVendor(cpuid) != "AuthenticAMD") return false;
  if (MaxExtendedLeaf(cpuid) < kAmdCacheTopologyLeaf) return true;
  // The cache type of subleaf 0 (bits 0-4): 0 means "no more caches" before the first one.
  return (cpuid(kAmdCacheTopologyLeaf, 0).eax & 0x1F) == 0;
}

std::string DescribeCpu(const CpuidFunction& cpuid) {
  const std::string vendor = CpuVendor(cpuid);
  if (vendor.empty()) return "a CPU that answers no CPUID";
  const uint32_t signature = cpuid(1, 0).eax;
  uint32_t family = (signature >> 8) & 0xF;
  uint32_t model = (signature >> 4) & 0xF;
  if (family == 0x6 || family == 0xF) model |= ((signature >> 16) & 0xF) << 4;
  if (family == 0xF) family += (signature >> 20) & 0xFF;
  std::string brand = CpuBrand(cpuid);
  if (brand.empty()) brand = "unnamed CPU";
  char signature_text[48];
  std::snprintf(signature_text, sizeof signature_text, ", family 0x%x model 0x%x):", family, model);
  std::string line = brand + " (" + vendor + signature_text;
  for (const std::string& extension : VectorExtensions(cpuid)) line += " " + extension;
  if (vendor == "AuthenticAMD") {
    line += AmdCacheLeafIsEmpty(cpuid) ? "; CPUID leaf 0x8000001D (caches) empty"
                                       : "; CPUID leaf 0x8000001D (caches) present";
  }
  return line;
}

}  // namespace gan
