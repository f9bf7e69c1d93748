#include "gan/core/torch_compat.h"

namespace gan {

#if TORCH_VERSION_MAJOR < 2

OptimizerStateKey OptimizerStateKeyOf(const torch::Tensor& parameter) {
  return c10::guts::to_string(parameter.unsafeGetTensorImpl());
}

bool IsAutocastEnabled(c10::DeviceType device_type) {
  return device_type == c10::DeviceType::CUDA ? at::autocast::is_enabled()
                                              : at::autocast::is_cpu_enabled();
}

void SetAutocastEnabled(c10::DeviceType device_type, bool enabled) {
  if (device_type == c10::DeviceType::CUDA) {
    at::autocast::set_enabled(enabled);
  } else {
    at::autocast::set_cpu_enabled(enabled);
  }
}

at::ScalarType AutocastDtype(c10::DeviceType device_type) {
  return device_type == c10::DeviceType::CUDA ? at::autocast::get_autocast_gpu_dtype()
                                              : at::autocast::get_autocast_cpu_dtype();
}

void SetAutocastDtype(c10::DeviceType device_type, at::ScalarType dtype) {
  if (device_type == c10::DeviceType::CUDA) {
    at::autocast::set_autocast_gpu_dtype(dtype);
  } else {
    at::autocast::set_autocast_cpu_dtype(dtype);
  }
}

#else

OptimizerStateKey OptimizerStateKeyOf(const torch::Tensor& parameter) {
  return parameter.unsafeGetTensorImpl();
}

bool IsAutocastEnabled(c10::DeviceType device_type) {
  return at::autocast::is_autocast_enabled(device_type);
}

void SetAutocastEnabled(c10::DeviceType device_type, bool enabled) {
  at::autocast::set_autocast_enabled(device_type, enabled);
}

at::ScalarType AutocastDtype(c10::DeviceType device_type) {
  return at::autocast::get_autocast_dtype(device_type);
}

void SetAutocastDtype(c10::DeviceType device_type, at::ScalarType dtype) {
  at::autocast::set_autocast_dtype(device_type, dtype);
}

#endif

}  // namespace gan
