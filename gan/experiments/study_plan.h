// A study: one experiment run under several conditions, each with several seeds, for a
// fixed budget (compare_gan's studies; Lucic et al. 2018, "Are GANs Created Equal?", whose
// comparisons needed many seeds per condition). Its JSON file:
//
//   {"name": "losses", "experiment": "dcgan_fashion_mnist",
//    "grid": {"loss": ["hinge", "bce"], "train.n_dis": [1, 2]},
//    "seeds": [0, 1, 2],
//    "budget": {"epochs": 3}}
//
// "grid": every combination of the keys' values (keys in alphabetical order, values in the
// order given), each condition named "loss=hinge,train.n_dis=1"; or "conditions": named
// lists of --set assignments, {"joint": ["train.joint_batch_norm=true"], "separate": []};
// neither: one condition, "base". "budget": one of "epochs", "iterations" or "images"
// (iterations of the run's batch size, rounded up). Each (condition, seed) is a run in
// <study directory>/<condition with / and spaces as _>/seed_<seed>.
#ifndef GAN_EXPERIMENTS_STUDY_PLAN_H_
#define GAN_EXPERIMENTS_STUDY_PLAN_H_

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

struct StudyRun {
  std::string condition;
  std::vector<std::string> settings;  // --set assignments of the condition
  int64_t seed = 0;
  std::string directory;  // relative to the study's directory
};

struct StudyPlan {
  std::string name;
  std::string experiment;
  StudyBudget budget;
  std::vector<std::string> conditions;  // in order
  std::vector<int64_t> seeds;
  std::vector<StudyRun> runs;           // conditions x seeds, condition-major
};

// Errors name the study file's key and say what was expected.
absl::StatusOr<StudyPlan> ParseStudyPlan(const nlohmann::json& json);

// The --set assignments that give a run `budget` at `batch_size` images per iteration.
std::vector<std::string> BudgetSettings(const StudyBudget& budget, int64_t batch_size);

}  // namespace gan

#endif  // GAN_EXPERIMENTS_STUDY_PLAN_H_
