// IDX reader (MNIST / Fashion-MNIST files, plain or gzip): any bytes give a tensor or an
// error status, never a crash, an escaped exception or an allocation the data cannot fill.
#include <cstddef>
#include <cstdint>

#include "gan/data/idx.h"
#include "gan/fuzz/fuzz_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = gan::WriteFuzzFile("images-idx3-ubyte", data, size);
  (void)gan::ReadIdxFile(path);
  // The same bytes as both files of a dataset: exercises the images/labels checks.
  (void)gan::LoadIdxDataset(path, path);
  return 0;
}
