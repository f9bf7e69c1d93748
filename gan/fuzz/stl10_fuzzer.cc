// STL-10 binary files: the input is split into train_y.bin (its first byte says how many
// label bytes follow) and train_X.bin (the rest); any split gives a dataset or an error.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "gan/data/stl10.h"
#include "gan/fuzz/fuzz_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t labels = std::min<size_t>(data[0], size - 1);
  gan::WriteFuzzFile("train_y.bin", data + 1, labels);
  gan::WriteFuzzFile("train_X.bin", data + 1 + labels, size - 1 - labels);
  (void)gan::LoadStl10(gan::FuzzDirectory(), "train");
  (void)gan::LoadStl10(gan::FuzzDirectory(), "train", /*max_images=*/1);
  return 0;
}
