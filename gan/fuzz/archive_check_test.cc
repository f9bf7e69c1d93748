#include "gan/checkpoint/archive_check.h"

#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <caffe2/serialize/inline_container.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gan {
namespace {

using ::testing::HasSubstr;

const std::string kCorpus = "gan/fuzz/corpus/checkpoint/";

TEST(ArchiveCheckTest, AcceptsArchivesOutputArchiveWrites) {
  EXPECT_TRUE(CheckArchiveStructure(kCorpus + "seed.pt").ok());
}

// Found by gan/fuzz:checkpoint_fuzzer: two central-directory entries with one class file's
// name sent LibTorch's importer into unbounded recursion.
TEST(ArchiveCheckTest, RefusesDuplicateEntries) {
  const absl::Status status = CheckArchiveStructure(kCorpus + "crash-duplicate-class-entry.pt");
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(status.message()), HasSubstr("crash-duplicate-class-entry.pt"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("duplicate entry names"));
}

// Also found by the fuzzer: a LONG_BINPUT memo index of ~3e9 in data.pkl made LibTorch's
// unpickler resize its memo table to 48 GB.
TEST(ArchiveCheckTest, RefusesPickleMemoIndicesOutOfRange) {
  const absl::Status status = CheckArchiveStructure(kCorpus + "oom-pickle-memo-index.pt");
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(status.message()), HasSubstr("data.pkl': pickle opcode 0x72"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("out of range"));
}

// Found by the fuzzer: one changed byte in a class file ("class Mo=ule(Module):",
// "__paRameters__ = []") made LibTorch's TorchScript parser segfault.
TEST(ArchiveCheckTest, RefusesClassFilesOutputArchiveDoesNotWrite) {
  const absl::Status status =
      CheckArchiveStructure(kCorpus + "crash-class-file-parser-segfault.pt");
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(status.message()), HasSubstr(".py': "));
}

TEST(ClassFileProblemTest, AcceptsWhatOutputArchiveWrites) {
  EXPECT_EQ(ClassFileProblem("class Module(Module):\n"
                             "  __parameters__ = [\"weight\", \"params/size\", ]\n"
                             "  __buffers__ = []\n"
                             "  __annotations__ = []\n"
                             "  __annotations__[\"params/0\"] = str\n"
                             "  __annotations__[\"0x55d1c0a3b2f0\"] = __torch__.___torch_mangle_3.Module\n"
                             "  weight : Tensor\n"
                             "  step : int\n"
                             "  betas : Tuple[float, float]\n"
                             "  maybe : Optional[List[Tensor]]\n"
                             "  table : Dict[str, Tensor]\n"),
            "");
}

TEST(ClassFileProblemTest, NamesTheLineThatIsNotADeclaration) {
  EXPECT_EQ(ClassFileProblem("class Mo=ule(Module):\n"),
            "its first line is not 'class <name>(Module):'");
  EXPECT_EQ(ClassFileProblem("class 9odule(Module):\n"),
            "its first line is not 'class <name>(Module):'");
  EXPECT_EQ(ClassFileProblem("class Module(Module):\n  __paRameters__ = []\n"),
            "line 2 is not an attribute declaration");
  EXPECT_EQ(ClassFileProblem("class Module(Module):\n  weight : Tensor\n  def f(self):\n"),
            "line 3 is not an attribute declaration");
  EXPECT_EQ(ClassFileProblem("class Module(Module):\n  w : Tuple[float, float\n"),
            "line 2 is not an attribute declaration");
  EXPECT_EQ(ClassFileProblem("class Module(Module):\n  w : Optional[int, int]\n"),
            "line 2 is not an attribute declaration");
  EXPECT_EQ(ClassFileProblem("class Module(Module):\n  w : Tensorx\n"),
            "line 2 is not an attribute declaration");
  EXPECT_EQ(ClassFileProblem("class Module(Module):\n  __buffers__ = [\"a\\\"\", ]\n"),
            "line 2 is not an attribute declaration");
  EXPECT_EQ(ClassFileProblem("class Module(Module):\n\n"), "line 2 is not an attribute declaration");
  EXPECT_EQ(ClassFileProblem("class Module(Module):"), "it does not end with a line break");
  std::string deep = "class Module(Module):\n  w : ";
  for (int i = 0; i < 9; ++i) deep += "List[";
  deep += "int";
  for (int i = 0; i < 9; ++i) deep += "]";
  EXPECT_EQ(ClassFileProblem(deep + "\n"), "line 2 is not an attribute declaration");
}

// A zip in LibTorch's container format holding `records` (name, contents).
std::string WriteArchive(const std::string& name,
                         const std::vector<std::pair<std::string, std::string>>& records) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  caffe2::serialize::PyTorchStreamWriter writer(path);
  for (const auto& [record, contents] : records) {
    writer.writeRecord(record, contents.data(), contents.size());
  }
  writer.writeEndOfFile();
  return path;
}

// A pickled global of another module makes LibTorch's importer look for and parse
// code/<module>.py, where the class-file check would not look.
TEST(ArchiveCheckTest, RefusesGlobalsAndClassFilesOutsideTorchModules) {
  const std::string pickle = std::string("\x80\x02" "cfoo\nbar\n" "q\x00" ".", 14);
  const absl::Status global =
      CheckArchiveStructure(WriteArchive("global.pt", {{"data.pkl", pickle}}));
  EXPECT_EQ(global.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(global.message()),
              HasSubstr("data.pkl': pickle GLOBAL at byte 2 names module 'foo'"));

  const absl::Status code = CheckArchiveStructure(
      WriteArchive("code.pt", {{"code/foo/bar.py", "class bar(Module):\n"}}));
  EXPECT_THAT(std::string(code.message()),
              HasSubstr("'code/foo/bar.py' is a class file outside code/__torch__"));
}

TEST(ArchiveCheckTest, RefusesFilesThatAreNotZipArchives) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/text.pt";
  std::ofstream(path) << "not a checkpoint";
  const absl::Status status = CheckArchiveStructure(path);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(status.message()), HasSubstr("text.pt' is not a valid LibTorch archive"));
}

}  // namespace
}  // namespace gan
