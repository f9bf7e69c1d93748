#include "gan/core/subprocess.h"

#include <string>

#include <gtest/gtest.h>

namespace gan {
namespace {

TEST(SubprocessTest, KeepsStdoutAndStderrApartWhateverTheirOrder) {
  const CapturedRun run =
      RunAndCapture({"/bin/sh", "-c", "echo note >&2; echo '{}'; echo more >&2; exit 3"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(run.output, "{}\n");
  EXPECT_EQ(run.errors, "note\nmore\n");
}

// 1 MB on stderr before anything on stdout: more than a pipe holds, so reading stdout
// alone first would wait forever.
TEST(SubprocessTest, ReadsBothPipesWhileTheProgramRuns) {
  const CapturedRun run = RunAndCapture(
      {"/bin/sh", "-c", "yes x | head -c 1000000 >&2; printf done"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.output, "done");
  EXPECT_EQ(run.errors.size(), 1000000u);
  EXPECT_EQ(run.errors.substr(0, 4), "x\nx\n");
}

TEST(SubprocessTest, AProgramThatCannotRunOrIsKilledSaysSo) {
  const CapturedRun missing = RunAndCapture({"/nonexistent/program"});
  EXPECT_EQ(missing.exit_code, 127);
  EXPECT_NE(missing.errors.find("cannot execute '/nonexistent/program'"), std::string::npos);
  const CapturedRun killed = RunAndCapture({"/bin/sh", "-c", "kill -9 $$"});
  EXPECT_EQ(killed.exit_code, 128 + 9);
}

}  // namespace
}  // namespace gan
