// CIFAR-10 binary batches: any bytes as test_batch.bin give a dataset or an error status.
#include <cstddef>
#include <cstdint>

#include "gan/data/cifar10.h"
#include "gan/fuzz/fuzz_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gan::WriteFuzzFile("test_batch.bin", data, size);
  (void)gan::LoadCifar10(gan::FuzzDirectory(), "test");
  return 0;
}
