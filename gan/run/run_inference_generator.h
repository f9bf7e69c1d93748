// A training run's generator for inference without exporting it first: rebuilt from the
// run's config and checkpoint (run_generator.h), traced (gan/export) and wrapped as an
// InferenceGenerator. This needs the config reader, whose closure holds the training and
// data settings; a program that only generates should load an exported file with
// //gan/inference:generator instead, which links LibTorch and Abseil alone.
#ifndef GAN_RUN_RUN_INFERENCE_GENERATOR_H_
#define GAN_RUN_RUN_INFERENCE_GENERATOR_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "gan/inference/generator.h"

namespace gan {

// `checkpoint` empty: the newest; `prefer_average`: the EMA weights when there are some;
// `chunk`: the traced batch size (1 suits the projector, 64 batched generation).
absl::StatusOr<InferenceGenerator> LoadRunInferenceGenerator(const std::string& run_dir,
                                                             const std::string& checkpoint,
                                                             bool prefer_average, int64_t chunk,
                                                             const torch::Device& device);

}  // namespace gan

#endif  // GAN_RUN_RUN_INFERENCE_GENERATOR_H_
