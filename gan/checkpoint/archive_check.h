// Checks the structure of a LibTorch archive (the zip that torch::serialize::OutputArchive
// writes) before LibTorch's TorchScript importer sees it. That importer is not hardened
// against damaged files: the checkpoint fuzzer found a duplicated class entry that sent it
// into unbounded recursion (a stack overflow, not an exception) and a pickle memo index
// that made it allocate 48 GB. OutputArchive never writes such files, so refusing them
// loses nothing.
//
//   GAN_RETURN_IF_ERROR(gan::CheckArchiveStructure(path));
//   archive.load_from(path);
#ifndef GAN_CHECKPOINT_ARCHIVE_CHECK_H_
#define GAN_CHECKPOINT_ARCHIVE_CHECK_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace gan {

// OK when `path` is a zip archive whose entries declare sizes the file can hold, with
// unique names, pickles (*.pkl) that use only LibTorch's opcodes with in-range lengths and
// dense memo indices, and TorchScript class files (code/__torch__*.py) in the form
// OutputArchive writes (ClassFileProblem) that refer only to classes the archive defines,
// without cycles. Otherwise DataLoss naming the file and the problem.
absl::Status CheckArchiveStructure(const std::string& path);

// "" when `code` is a class file as OutputArchive writes it: one 'class <name>(Module):'
// holding only attribute declarations ('  weight : Tensor', '  __parameters__ = ["w", ]',
// '  __annotations__["params/0"] = str', ...) with the types archives use. LibTorch parses
// these files as TorchScript source, and its parser crashes on small damage (the fuzzer
// found a segfault for "class Mo=ule(Module):"); otherwise the line that is not.
std::string ClassFileProblem(absl::string_view code);

}  // namespace gan

#endif  // GAN_CHECKPOINT_ARCHIVE_CHECK_H_
