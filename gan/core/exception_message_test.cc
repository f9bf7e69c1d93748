#include "gan/core/exception_message.h"

#include <stdexcept>

#include <c10/util/Exception.h>
#include <gtest/gtest.h>

namespace gan {
namespace {

// TORCH_CHECK throws a c10::Error whose what() carries "Exception raised from ..." and, in
// 2.x, the frames of a backtrace; the message alone is the check's text.
TEST(ExceptionMessageTest, TorchErrorsLoseTheirBacktrace) {
  try {
    TORCH_CHECK(false, "latent_dim must be positive, got ", -3);
    FAIL() << "TORCH_CHECK(false) did not throw";
  } catch (const std::exception& e) {
    const std::string message = ExceptionMessage(e);
    EXPECT_EQ(message.rfind("latent_dim must be positive, got -3", 0), 0u) << message;
    EXPECT_EQ(message.find("frame #"), std::string::npos) << message;
    EXPECT_EQ(message.find("Exception raised from"), std::string::npos) << message;
  }
}

TEST(ExceptionMessageTest, OtherExceptionsKeepTheirWhat) {
  EXPECT_EQ(ExceptionMessage(std::runtime_error("disk full")), "disk full");
}

}  // namespace
}  // namespace gan
