// A CPU given as a table of CPUID answers, for tests of the readers in gan/core/cpu_info.h;
// leaves not in the table answer zeros.
//
//   const gan::CpuidFunction cpuid = gan::FakeGenoa().Function();
//   EXPECT_TRUE(gan::AmdCacheLeafIsEmpty(cpuid));
#ifndef GAN_CORE_TESTING_FAKE_CPU_H_
#define GAN_CORE_TESTING_FAKE_CPU_H_

#include <cstdint>
#include <map>
#include <utility>

#include "gan/core/cpu_info.h"

namespace gan {

class FakeCpu {
 public:
  FakeCpu& Set(uint32_t leaf, uint32_t subleaf, CpuidRegisters registers);
  // The 12-character vendor string of leaf 0 (EBX, EDX, ECX), keeping its EAX.
  FakeCpu& Vendor(const char* name);
  CpuidFunction Function() const;

 private:
  std::map<std::pair<uint32_t, uint32_t>, CpuidRegisters> table_;
};

// An AMD EPYC 9R14 (family 0x19 model 0x11, Genoa) with AVX2, FMA, AVX-512F and AVX-512 BF16,
// whose extended leaves go up to `max_extended_leaf` and whose cache leaf is empty.
FakeCpu FakeGenoa(uint32_t max_extended_leaf = 0x80000021);

}  // namespace gan

#endif  // GAN_CORE_TESTING_FAKE_CPU_H_
