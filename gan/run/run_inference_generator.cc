#include "gan/run/run_inference_generator.h"

#include <utility>

#include "gan/core/status_macros.h"
#include "gan/run/run_generator.h"
#include "gan/export/torchscript_generator.h"

namespace gan {

absl::StatusOr<InferenceGenerator> LoadRunInferenceGenerator(const std::string& run_dir,
                                                             const std::string& checkpoint,
                                                             bool prefer_average, int64_t chunk,
                                                             const torch::Device& device) {
  GAN_ASSIGN_OR_RETURN(const RunGenerator run, LoadRunGenerator(run_dir, checkpoint, prefer_average));
  run.generator->to(device);
  GAN_ASSIGN_OR_RETURN(torch::jit::Module module, TraceGenerator(*run.generator, {chunk}));
  return InferenceGenerator::FromModule(std::move(module), run.checkpoint, device);
}

}  // namespace gan
