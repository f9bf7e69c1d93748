#include "gan/core/testing/fake_cpu.h"

#include <cstring>

namespace gan {

FakeCpu& FakeCpu::Set(uint32_t leaf, uint32_t subleaf, CpuidRegisters registers) {
  table_[{leaf, subleaf}] = registers;
  return *this;
}

FakeCpu& FakeCpu::Vendor(const char* name) {
  CpuidRegisters& r = table_[{0, 0}];
  std::memcpy(&r.ebx, name, 4);
  std::memcpy(&r.edx, name + 4, 4);
  std::memcpy(&r.ecx, name + 8, 4);
  return *this;
}

CpuidFunction FakeCpu::Function() const {
  return [table = table_](uint32_t leaf, uint32_t subleaf) {
    const auto found = table.find({leaf, subleaf});
    return found == table.end() ? CpuidRegisters{} : found->second;
  };
}

FakeCpu FakeGenoa(uint32_t max_extended_leaf) {
  FakeCpu cpu;
  cpu.Set(0, 0, {16, 0, 0, 0}).Vendor("AuthenticAMD");
  cpu.Set(1, 0, {0x00A10F11, 0, 1u << 12, 0});
  cpu.Set(7, 0, {1, (1u << 5) | (1u << 16), 0, 0});
  cpu.Set(7, 1, {1u << 5, 0, 0, 0});
  cpu.Set(0x80000000, 0, {max_extended_leaf, 0, 0, 0});
  const char brand[48] = "AMD EPYC 9R14 96-Core Processor    ";
  for (uint32_t i = 0; i < 3; ++i) {
    CpuidRegisters r;
    std::memcpy(&r, brand + 16 * i, 16);
    cpu.Set(0x80000002 + i, 0, r);
  }
  return cpu;
}

}  // namespace gan
