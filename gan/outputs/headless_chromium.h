// For tests of the static pages: Debian's `chromium` (installed by tools/setup.sh),
// headless, on a local page.
//
//   const std::string dom = gan::RunHeadlessChromium("--dump-dom", dir + "/study.html");
#ifndef GAN_OUTPUTS_HEADLESS_CHROMIUM_H_
#define GAN_OUTPUTS_HEADLESS_CHROMIUM_H_

#include <string>

namespace gan {

// Runs chromium headless with `flags` on file://`page` (its profile in $TEST_TMPDIR);
// returns its stdout and stderr. A non-zero exit is a test failure.
std::string RunHeadlessChromium(const std::string& flags, const std::string& page);

}  // namespace gan

#endif  // GAN_OUTPUTS_HEADLESS_CHROMIUM_H_
