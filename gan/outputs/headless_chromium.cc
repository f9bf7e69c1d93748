#include "gan/outputs/headless_chromium.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "gan/core/atomic_file.h"

namespace gan {

std::string RunHeadlessChromium(const std::string& flags, const std::string& page) {
  const std::string tmp = std::getenv("TEST_TMPDIR");
  const std::string output = tmp + "/chromium_output.txt";
  // HOME: chromium writes its profile there; --no-sandbox: tests may run as root.
  const std::string command = "HOME=" + tmp + " chromium --headless --no-sandbox --disable-gpu " +
                              flags + " file://" + page + " > " + output + " 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  std::string text;
  EXPECT_TRUE(ReadFile(output, &text).ok());
  return text;
}

}  // namespace gan
