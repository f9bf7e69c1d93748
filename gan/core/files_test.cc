#include <dirent.h>
#include <sys/stat.h>

#include <cstdlib>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gan/core/atomic_file.h"
#include "gan/core/file_hash.h"
#include "gan/core/run_directory.h"
#include "gan/core/runfiles.h"

namespace gan {
namespace {

using ::testing::HasSubstr;

std::string TempDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

std::vector<std::string> ListDir(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return names;
  while (dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(dir);
  return names;
}

TEST(AtomicFileTest, WritesAndReplacesContents) {
  const std::string dir = TempDir() + "/atomic_write";
  ASSERT_TRUE(MakeDirectories(dir).ok());
  const std::string path = dir + "/file.txt";
  ASSERT_TRUE(WriteFileAtomically(path, "first").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "second").ok());
  std::string contents;
  ASSERT_TRUE(ReadFile(path, &contents).ok());
  EXPECT_EQ(contents, "second");
  EXPECT_THAT(ListDir(dir), ::testing::ElementsAre("file.txt"));
}

TEST(AtomicFileTest, FailedWriterLeavesOldFileAndNoTemporary) {
  const std::string dir = TempDir() + "/atomic_fail";
  ASSERT_TRUE(MakeDirectories(dir).ok());
  const std::string path = dir + "/checkpoint.pt";
  ASSERT_TRUE(WriteFileAtomically(path, "good").ok());
  const absl::Status status = WriteAtomically(path, [](const std::string& temporary) {
    EXPECT_TRUE(WriteFileAtomically(temporary, "half").ok());
    return absl::InternalError("disk full");
  });
  EXPECT_FALSE(status.ok());
  std::string contents;
  ASSERT_TRUE(ReadFile(path, &contents).ok());
  EXPECT_EQ(contents, "good");
  EXPECT_THAT(ListDir(dir), ::testing::ElementsAre("checkpoint.pt"));
}

TEST(AtomicFileTest, ThrowingWriterBecomesErrorNamingPath) {
  const std::string dir = TempDir() + "/atomic_throw";
  ASSERT_TRUE(MakeDirectories(dir).ok());
  const absl::Status status = WriteAtomically(dir + "/x.bin", [](const std::string&) -> absl::Status {
    throw std::runtime_error("boom");
  });
  EXPECT_THAT(std::string(status.message()), HasSubstr("x.bin"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("boom"));
  EXPECT_TRUE(ListDir(dir).empty());
}

TEST(AtomicFileTest, UnwritableDirectoryIsAClearError) {
  const absl::Status status = WriteFileAtomically("/nonexistent_dir/file.txt", "x");
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()), HasSubstr("/nonexistent_dir/file.txt"));
}

TEST(RunDirectoryTest, CreatesLayoutAndIsReusable) {
  const std::string root = TempDir() + "/runs/a/b";
  auto run = RunDirectory::Create(root);
  ASSERT_TRUE(run.ok()) << run.status();
  struct stat info;
  EXPECT_EQ(stat(run->samples().c_str(), &info), 0);
  EXPECT_EQ(stat(run->checkpoints().c_str(), &info), 0);
  EXPECT_EQ(run->File("log.jsonl"), root + "/log.jsonl");
  EXPECT_TRUE(RunDirectory::Create(root).ok());
}

TEST(RunDirectoryTest, FileInTheWayIsNamed) {
  const std::string blocker = TempDir() + "/blocker";
  ASSERT_TRUE(WriteFileAtomically(blocker, "x").ok());
  auto run = RunDirectory::Create(blocker + "/run");
  ASSERT_FALSE(run.ok());
  EXPECT_THAT(std::string(run.status().message()), HasSubstr("not a directory"));
}

TEST(ResolveUserPathTest, UsesBuildWorkingDirectoryForRelativePaths) {
  setenv("BUILD_WORKING_DIRECTORY", "/home/user/project", 1);
  EXPECT_EQ(ResolveUserPath("runs/x"), "/home/user/project/runs/x");
  EXPECT_EQ(ResolveUserPath("/abs/x"), "/abs/x");
  unsetenv("BUILD_WORKING_DIRECTORY");
  EXPECT_EQ(ResolveUserPath("runs/x"), "runs/x");
}

}  // namespace
}  // namespace gan

namespace gan {
namespace {

TEST(FileHashTest, IsFnv1a64OfTheBytes) {
  // Reference values of the FNV-1a 64-bit test suite.
  EXPECT_EQ(ContentHash(""), "fnv1a64:cbf29ce484222325");
  EXPECT_EQ(ContentHash("a"), "fnv1a64:af63dc4c8601ec8c");
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/hashed.txt";
  ASSERT_TRUE(WriteFileAtomically(path, "a").ok());
  EXPECT_EQ(*FileHash(path), "fnv1a64:af63dc4c8601ec8c");
  EXPECT_THAT(std::string(FileHash(path + ".missing").status().message()),
              ::testing::HasSubstr("hashed.txt.missing"));
}

TEST(RunfilesTest, FindsFilesOfTheTestAndListsWhereItLooked) {
  const absl::StatusOr<std::string> build = FindRunfile("gan/core/BUILD");
  ASSERT_TRUE(build.ok()) << build.status();
  std::string contents;
  ASSERT_TRUE(ReadFile(*build, &contents).ok());
  EXPECT_NE(contents.find("name = \"runfiles\""), std::string::npos);
  const absl::StatusOr<std::string> missing = FindRunfile("gan/core/no_such_file");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()),
              ::testing::HasSubstr("cannot find the toolkit file 'gan/core/no_such_file'"));
}

}  // namespace
}  // namespace gan

namespace gan {
namespace {

TEST(AppendToFileTest, AppendsAndNamesTheFileOnError) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/appended.txt";
  ASSERT_TRUE(AppendToFile(path, "one\n").ok());
  ASSERT_TRUE(AppendToFile(path, "two\n").ok());
  std::string text;
  ASSERT_TRUE(ReadFile(path, &text).ok());
  EXPECT_EQ(text, "one\ntwo\n");
  const absl::Status error = AppendToFile("/nonexistent-dir/log.jsonl", "x");
  EXPECT_THAT(std::string(error.message()), ::testing::HasSubstr("/nonexistent-dir/log.jsonl"));
}

}  // namespace
}  // namespace gan
