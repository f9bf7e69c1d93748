// Early-return helpers for absl::Status / absl::StatusOr, which the Debian build of
// Abseil (20220623) does not ship.
//
//   GAN_RETURN_IF_ERROR(WriteFileAtomically(path, text));
//   GAN_ASSIGN_OR_RETURN(torch::Tensor images, ReadIdxFile(path));
#ifndef GAN_CORE_STATUS_MACROS_H_
#define GAN_CORE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define GAN_RETURN_IF_ERROR(expr)                   \
  do {                                              \
    const ::absl::Status gan_status_ = (expr);      \
    if (!gan_status_.ok()) return gan_status_;      \
  } while (false)

#define GAN_STATUS_CONCAT_INNER_(a, b) a##b
#define GAN_STATUS_CONCAT_(a, b) GAN_STATUS_CONCAT_INNER_(a, b)

#define GAN_ASSIGN_OR_RETURN(lhs, expr) \
  GAN_ASSIGN_OR_RETURN_IMPL_(GAN_STATUS_CONCAT_(gan_statusor_, __LINE__), lhs, expr)

#define GAN_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                               \
  if (!statusor.ok()) return statusor.status();         \
  lhs = std::move(statusor).value()

#endif  // GAN_CORE_STATUS_MACROS_H_
