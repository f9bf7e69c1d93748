// study.html: a study as one static page. What was run (experiments, conditions with
// their settings, seeds, budget, the evaluation protocol, the command), where each run
// stands, a final table per condition (each metric's last value as mean +- sd across
// seeds, the best FID of each run averaged, the iteration where the seeds' mean FID is
// lowest, the losses and D's logits (and their gap, logit_real - logit_fake) averaged
// over each run's last fifth of iterations, the wall time), the curves of every metric
// and loss (each condition's mean across seeds, with a band from the lowest to the
// highest seed), each condition's last sample grid, and links to the runs' own reports.
// Inline SVG, no script, no network: it opens offline, as report.html does.
// summary.md: the same final table in Markdown, with what was run and the command, to
// paste into a README or an issue.
#ifndef GAN_STUDIES_STUDY_REPORT_H_
#define GAN_STUDIES_STUDY_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gan/studies/study_plan.h"
#include "gan/studies/study_results.h"

namespace gan {

// Mean and sample standard deviation (n - 1; 0 for one value).
struct Spread {
  double mean = 0;
  double sd = 0;
  int64_t count = 0;
};
Spread SpreadOf(const std::vector<double>& values);

// "12.3 ± 0.45" ("12.3" for one value, "" for none).
std::string FormatSpread(const Spread& spread);

// Writes <study_dir>/study.html and <study_dir>/summary.md atomically; `command` is the study's command as typed.
absl::Status WriteStudyReport(const StudyPlan& plan, const StudyResults& results,
                              const std::string& study_dir, const std::string& command);

}  // namespace gan

#endif  // GAN_STUDIES_STUDY_REPORT_H_
