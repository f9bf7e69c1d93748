#include "gan/train/archive_check.h"

#include <cstdlib>
#include <fstream>
#include <string>

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

TEST(ArchiveCheckTest, RefusesFilesThatAreNotZipArchives) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/text.pt";
  std::ofstream(path) << "not a checkpoint";
  const absl::Status status = CheckArchiveStructure(path);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(status.message()), HasSubstr("text.pt' is not a valid LibTorch archive"));
}

}  // namespace
}  // namespace gan
