#include "gan/run/run_generator.h"

#include "absl/strings/str_cat.h"
#include "gan/checkpoint/checkpoint.h"
#include "gan/core/config.h"
#include "gan/core/status_macros.h"

namespace gan {

absl::StatusOr<RunGenerator> LoadRunGenerator(const std::string& run_dir,
                                              const std::string& checkpoint,
                                              bool prefer_average) {
  RunGenerator run;
  GAN_ASSIGN_OR_RETURN(const nlohmann::json json, ReadJsonFile(run_dir + "/config.json"));
  GAN_ASSIGN_OR_RETURN(run.config, ParseExperimentConfig(TranslateSavedConfig(json)));
  run.checkpoint = checkpoint;
  if (run.checkpoint.empty()) {
    const auto checkpoints = ListCheckpoints(run_dir + "/checkpoints");
    if (checkpoints.empty()) {
      return absl::NotFoundError(absl::StrCat("no checkpoints in '", run_dir, "/checkpoints'"));
    }
    run.checkpoint = checkpoints.back().second;
  }
  GAN_ASSIGN_OR_RETURN(const std::string fingerprint, ReadCheckpointFingerprint(run.checkpoint));
  GAN_ASSIGN_OR_RETURN(const nlohmann::json saved, ParseJson(fingerprint, run.checkpoint));
  const ImageShape shape{saved.value("image_size", int64_t{0}),
                         saved.value("image_channels", int64_t{0})};
  const std::string expected = ArchitectureFingerprint(run.config, shape);
  if (!FingerprintMatches(fingerprint, expected)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "checkpoint '", run.checkpoint, "' was not written with '", run_dir,
        "/config.json':\n  saved:  ", fingerprint, "\n  config: ", expected));
  }
  GAN_ASSIGN_OR_RETURN(run.generator, run.config.model.family->BuildGenerator(shape));
  GAN_ASSIGN_OR_RETURN(run.moving_average,
                       LoadCheckpointGenerator(run.checkpoint, *run.generator, prefer_average));
  return run;
}

}  // namespace gan
