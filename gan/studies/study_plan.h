// A study: experiments run under several conditions, each with several seeds, for a fixed
// budget, evaluated as they train (compare_gan's studies; Lucic et al. 2018, "Are GANs
// Created Equal?", whose comparisons needed many seeds per condition). Its JSON file:
//
//   {"name": "losses", "experiment": "dcgan_fashion_mnist",
//    "grid": {"loss": ["hinge", "bce"], "update.n_dis": [1, 2]},
//    "seeds": [0, 1, 2],
//    "budget": {"epochs": 3},
//    "evaluation": {"every_epochs": 1, "samples": 10000, "extractor": "fmnist-classifier"}}
//
// "grid": every combination of the keys' values (keys in alphabetical order, values in the
// order given), each condition named "loss=hinge,update.n_dis=1"; or "conditions": named
// lists of --set assignments (in the order of their names), {"joint":
// ["update.joint_batch_norm=true"], "separate": []}; neither: one condition, "base".
// "experiments": [...] instead of "experiment" runs each of several experiments, each a
// condition named after it ("<experiment>:<condition>" with a grid or conditions).
// "budget": one of "epochs", "iterations" or "images" (iterations of the run's batch size,
// rounded up). "evaluation" (optional): every "every_epochs" epochs (default 1 with an
// epochs budget), every "every_iterations" iterations (default: 5 evaluations in the
// budget), or once at the end ("at_end": true), with "samples" generated images (default
// 10000), the "extractor" and reference "split" of output.evaluate_* (defaults: the
// experiment's). A checkpoint is kept at every evaluation. Each (condition, seed) is a run in <study directory>/<condition with / and
// spaces as _>/seed_<seed>.
#ifndef GAN_STUDIES_STUDY_PLAN_H_
#define GAN_STUDIES_STUDY_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"

namespace gan {

struct StudyBudget {
  std::string unit;  // epochs | iterations | images
  int64_t amount = 0;
};

struct StudyEvaluation {
  int64_t every_epochs = 0;      // one of these three is set
  int64_t every_iterations = 0;
  bool at_end = false;           // once, after the budget's last iteration
  int64_t samples = 10000;
  std::string extractor;  // "" = the experiment's
  std::string split;      // "" = the experiment's
};

struct StudyRun {
  std::string experiment;
  std::string condition;
  std::vector<std::string> settings;  // --set assignments of the condition
  int64_t seed = 0;
  std::string directory;  // relative to the study's directory
};

struct StudyPlan {
  std::string name;
  std::vector<std::string> experiments;
  StudyBudget budget;
  StudyEvaluation evaluation;
  std::vector<std::string> conditions;  // in order
  std::vector<int64_t> seeds;
  std::vector<StudyRun> runs;           // conditions x seeds, condition-major
};

// Errors name the study file's key and say what was expected.
absl::StatusOr<StudyPlan> ParseStudyPlan(const nlohmann::json& json);

// The --set assignments that give a run `budget` at `batch_size` images per iteration.
std::vector<std::string> BudgetSettings(const StudyBudget& budget, int64_t batch_size);

// Every --set assignment of `run`: its condition's, then the budget's and the evaluation's
// (an evaluation and a kept checkpoint at each point), at `batch_size` images per iteration.
std::vector<std::string> StudyRunSettings(const StudyPlan& plan, const StudyRun& run,
                                          int64_t batch_size);

}  // namespace gan

#endif  // GAN_STUDIES_STUDY_PLAN_H_
