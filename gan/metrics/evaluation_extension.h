// Training-time evaluation: every N epochs, the metrics of the updater's sampling
// generator (its EMA when there is one) against cached real features. The numbers go to
// log.jsonl beside the losses (one line with "fid", "is_mean", ...), the full result with
// its protocol to metrics.jsonl, and the checkpoint with the lowest FID so far is kept as
// checkpoints/best.pt (with best.json saying which iteration and what it scored).
//
//   trainer.Add(std::make_unique<gan::EvaluationExtension>(updater, setup.extractor,
//                   setup.reference, options, files, fingerprint, device),
//               gan::Trigger::EveryEpochs(1));
#ifndef GAN_METRICS_EVALUATION_EXTENSION_H_
#define GAN_METRICS_EVALUATION_EXTENSION_H_

#include <limits>
#include <memory>
#include <string>

#include "gan/metrics/evaluation.h"
#include "gan/metrics/feature_extractor.h"
#include "gan/train/extension.h"
#include "gan/train/updater.h"

namespace gan {

struct EvaluationFiles {
  std::string log;              // log.jsonl, shared with the loss log
  std::string metrics;          // metrics.jsonl
  std::string best_checkpoint;  // checkpoints/best.pt
  std::string best_summary;     // checkpoints/best.json
};

class EvaluationExtension : public Extension {
 public:
  // A best_summary left by an earlier part of the run (resume) sets the FID to beat.
  EvaluationExtension(const Updater& updater, std::shared_ptr<FeatureExtractor> extractor,
                      ReferenceFeatures reference, EvaluationOptions options,
                      EvaluationFiles files, std::string fingerprint, torch::Device device);
  std::string name() const override { return "evaluation"; }
  absl::Status Run(TrainingState& state) override;

  double best_fid() const { return best_fid_; }

 private:
  const Updater& updater_;
  std::shared_ptr<FeatureExtractor> extractor_;
  ReferenceFeatures reference_;
  EvaluationOptions options_;
  EvaluationFiles files_;
  std::string fingerprint_;
  torch::Device device_;
  double best_fid_ = std::numeric_limits<double>::infinity();
};

}  // namespace gan

#endif  // GAN_METRICS_EVALUATION_EXTENSION_H_
