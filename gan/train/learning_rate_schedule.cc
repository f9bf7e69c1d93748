#include "gan/train/learning_rate_schedule.h"

#include <algorithm>
#include <cmath>

namespace gan {

double LearningRateSchedule::Factor(int64_t iteration) const {
  if (kind == Kind::kConstant || iteration <= start) return 1.0;
  if (iteration >= total) return 0.0;
  const double progress =
      static_cast<double>(iteration - start) / static_cast<double>(total - start);
  switch (kind) {
    case Kind::kLinear:
      return 1.0 - progress;
    case Kind::kCosine:
      return 0.5 * (1.0 + std::cos(M_PI * progress));
    case Kind::kConstant:
      break;
  }
  return 1.0;
}

bool ParseLearningRateScheduleKind(const std::string& name, LearningRateSchedule::Kind* kind) {
  if (name == "constant") *kind = LearningRateSchedule::Kind::kConstant;
  else if (name == "linear") *kind = LearningRateSchedule::Kind::kLinear;
  else if (name == "cosine") *kind = LearningRateSchedule::Kind::kCosine;
  else return false;
  return true;
}

ScheduledLearningRates::ScheduledLearningRates(torch::optim::Optimizer& optimizer)
    : optimizer_(optimizer) {
  for (const auto& group : optimizer_.param_groups()) initial_.push_back(group.options().get_lr());
}

void ScheduledLearningRates::Apply(double factor) {
  size_t i = 0;
  for (auto& group : optimizer_.param_groups()) group.options().set_lr(initial_[i++] * factor);
}

}  // namespace gan
