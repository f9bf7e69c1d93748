#include "gan/metrics/evaluation_extension.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "gan/checkpoint/checkpoint.h"
#include "gan/core/atomic_file.h"
#include "gan/core/log.h"

namespace gan {
namespace {

absl::Status AppendLine(const std::string& path, const nlohmann::json& entry) {
  return AppendToFile(path, entry.dump() + "\n");
}

}  // namespace

EvaluationExtension::EvaluationExtension(const Updater& updater,
                                         std::shared_ptr<FeatureExtractor> extractor,
                                         ReferenceFeatures reference, EvaluationOptions options,
                                         EvaluationFiles files, std::string fingerprint,
                                         torch::Device device)
    : updater_(updater),
      extractor_(std::move(extractor)),
      reference_(std::move(reference)),
      options_(options),
      files_(std::move(files)),
      fingerprint_(std::move(fingerprint)),
      device_(device) {
  std::string summary;
  if (ReadFile(files_.best_summary, &summary).ok()) {
    const nlohmann::json best = nlohmann::json::parse(summary, nullptr, /*allow_exceptions=*/false);
    if (best.is_object() && best.contains("fid") && best["fid"].is_number()) {
      best_fid_ = best["fid"].get<double>();
    }
  }
}

absl::Status EvaluationExtension::Run(TrainingState& state) {
  const Generator& generator = updater_.sampling_generator();
  absl::StatusOr<nlohmann::json> result =
      Evaluate(GeneratorImages(generator, options_, device_), generator->num_classes(),
               *extractor_, reference_, options_);
  if (!result.ok()) return result.status();
  LogInfo() << "iteration " << state.iteration << ": " << DescribeMetrics(*result);

  nlohmann::json log_entry = {{"iteration", state.iteration}, {"epoch", state.epoch}};
  state.metrics.clear();
  for (const auto& [key, value] : (*result)["metrics"].items()) {
    if (!value.is_number()) continue;
    log_entry[key] = value;
    state.metrics[key] = value.get<double>();
  }
  state.metrics_iteration = state.iteration;
  absl::Status status = AppendLine(files_.log, log_entry);
  if (!status.ok()) return status;
  nlohmann::json full = *result;
  full["iteration"] = state.iteration;
  full["epoch"] = state.epoch;
  status = AppendLine(files_.metrics, full);
  if (!status.ok()) return status;

  const double fid = (*result)["metrics"]["fid"].get<double>();
  if (fid < best_fid_) {
    status = SaveCheckpoint(files_.best_checkpoint, updater_, state, fingerprint_);
    if (!status.ok()) return status;
    best_fid_ = fid;
    status = WriteFileAtomically(files_.best_summary, full.dump(2) + "\n");
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace gan
