// What went wrong in an exception, as a user can act on it: a c10::Error's message without
// the C++ backtrace that its what() appends in LibTorch 2.x (twenty frames of LibTorch's
// internals), any other exception's what().
//
//   } catch (const std::exception& e) {
//     return absl::InvalidArgumentError(absl::StrCat(path, ": ", gan::ExceptionMessage(e)));
//   }
#ifndef GAN_CORE_EXCEPTION_MESSAGE_H_
#define GAN_CORE_EXCEPTION_MESSAGE_H_

#include <exception>
#include <string>

namespace gan {

std::string ExceptionMessage(const std::exception& error);

}  // namespace gan

#endif  // GAN_CORE_EXCEPTION_MESSAGE_H_
