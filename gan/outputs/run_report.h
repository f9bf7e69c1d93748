// report.html for a run directory: loss curves, metric curves (when the run evaluated
// itself), the sample grids over time, the config and the command line, as one static
// page with inline SVG charts: no script, no network, opens anywhere offline.
//
//   GAN_RETURN_IF_ERROR(gan::WriteRunReport("runs/dcgan_fashion_mnist"));
#ifndef GAN_OUTPUTS_RUN_REPORT_H_
#define GAN_OUTPUTS_RUN_REPORT_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gan/train/extension.h"

namespace gan {

// A line chart of named series of (iteration, value) points, as an <svg> element.
// Non-finite values are left out; values are HTML-escaped.
std::string SvgLineChart(const std::string& title,
                         const std::map<std::string, std::vector<std::pair<double, double>>>& series);

// Reads <run_dir>/log.jsonl, samples/, config.json, command*.txt and writes
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
