// What a study's runs logged, gathered: one row per run and evaluated checkpoint (for
// results.csv), and every logged curve by condition, key and seed (for study.html).
#ifndef GAN_STUDIES_STUDY_RESULTS_H_
#define GAN_STUDIES_STUDY_RESULTS_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gan/studies/study_plan.h"

namespace gan {

struct StudyRow {
  std::string condition;
  int64_t seed = 0;
  std::string run;  // its directory, relative to the study's
  int64_t iteration = 0;
  int64_t epoch = 0;
  // The evaluation's metrics at this iteration, and the losses and statistics of the
  // last log line at or before it (means over its logging window).
  std::map<std::string, double> values;
};

using Curve = std::vector<std::pair<double, double>>;  // (iteration, value)

struct StudyResults {
  std::vector<StudyRow> rows;  // in the plan's run order, then by iteration
  // condition -> key -> seed -> curve, from every log line.
  std::map<std::string, std::map<std::string, std::map<int64_t, Curve>>> curves;
  std::vector<std::string> keys;  // every value key: metrics first, then the rest by name
};

// Reads each run's log.jsonl under `study_dir`; runs without one are left out.
StudyResults CollectStudyResults(const StudyPlan& plan, const std::string& study_dir);

// results.csv: condition, seed, run, iteration, epoch, then `results.keys` (empty cells
// where a row has no value), atomically.
absl::Status WriteResultsCsv(const StudyResults& results, const std::string& path);

}  // namespace gan

#endif  // GAN_STUDIES_STUDY_RESULTS_H_
