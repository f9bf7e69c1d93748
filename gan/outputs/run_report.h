// report.html for a run directory: a status header (finished, stopped at iteration N of
// M, speed, wall time), the loss and statistics curves, the metrics as curves and as a
// table (when the run evaluated itself), the sample grids over time, and the config and
// the command as typed, as one static page with inline SVG charts: no script, no network,
// opens anywhere offline.
//
//   GAN_RETURN_IF_ERROR(gan::WriteRunReport("runs/dcgan_fashion_mnist"));
#ifndef GAN_OUTPUTS_RUN_REPORT_H_
#define GAN_OUTPUTS_RUN_REPORT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gan/train/extension.h"

namespace gan {

// The fields of a log line that place it (iteration, epoch, seconds), not values.
bool IsPositionKey(const std::string& key);

// The sample grids in a run's samples directory (iter_*.png), oldest first.
std::vector<std::string> SampleGridNames(const std::string& samples_dir);

// The run's state in words, from status.json ("Finished: 4685 iterations (5 epochs), ...");
// empty when the run has none.
std::string DescribeRunStatus(const std::string& run_dir);

// Reads <run_dir>/log.jsonl, status.json, samples/, config.json, command*.txt and writes
// <run_dir>/report.html atomically. Missing pieces are left out of the page.
absl::Status WriteRunReport(const std::string& run_dir);

// Rewrites report.html whenever it fires (e.g. with the sample grids, and at the end).
class RunReportExtension : public Extension {
 public:
  explicit RunReportExtension(std::string run_dir) : run_dir_(std::move(run_dir)) {}
  std::string name() const override { return "report"; }
  absl::Status Run(TrainingState&) override { return WriteRunReport(run_dir_); }

 private:
  std::string run_dir_;
};

}  // namespace gan

#endif  // GAN_OUTPUTS_RUN_REPORT_H_
