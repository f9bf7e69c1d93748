// Fuzz inputs as files: the parsers under test read paths, so each input is written to a
// scratch directory that belongs to this process (created once, under $TMPDIR).
//
//   const std::string path = gan::WriteFuzzFile("train-images-idx3-ubyte", data, size);
//   (void)gan::ReadIdxFile(path);  // must return a status, never crash or throw
#ifndef GAN_FUZZ_FUZZ_FILES_H_
#define GAN_FUZZ_FUZZ_FILES_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace gan {

// The process's scratch directory (created on first use; aborts if it cannot be).
const std::string& FuzzDirectory();

// Writes `size` bytes to FuzzDirectory()/name, replacing any earlier contents; returns
// the path. Aborts on I/O errors: a harness that cannot write its input tests nothing.
std::string WriteFuzzFile(const std::string& name, const uint8_t* data, size_t size);

}  // namespace gan

#endif  // GAN_FUZZ_FUZZ_FILES_H_
