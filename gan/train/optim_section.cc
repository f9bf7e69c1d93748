#include "gan/train/optim_section.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace gan {

OptimSection ReadOptimSection(ConfigReader& reader) {
  OptimSection section;
  double lr_g = section.generator.lr, lr_d = section.discriminator.lr;
  double beta1 = section.generator.beta1, beta2 = section.generator.beta2;
  OptimizerOptions::Kind kind = section.generator.kind;
  ReadNamed(reader, "optimizer", ParseOptimizerKind, "adam, rmsprop or sgd", &kind);
  reader.Read("lr_g", &lr_g);
  reader.Read("lr_d", &lr_d);
  reader.Read("beta1", &beta1);
  reader.Read("beta2", &beta2);
  ReadNamed(reader, "lr_schedule", ParseLearningRateScheduleKind, "constant, linear or cosine",
            &section.lr_schedule);
  reader.Read("lr_decay_start", &section.lr_decay_start);
  RequirePositive(reader, "lr_g", lr_g);
  RequirePositive(reader, "lr_d", lr_d);
  for (const auto& [key, beta] : {std::pair{"beta1", beta1}, {"beta2", beta2}}) {
    if (beta < 0 || beta >= 1) reader.Invalid(key, absl::StrCat("must be in [0, 1), got ", beta));
  }
  RequireNonNegative(reader, "lr_decay_start", static_cast<double>(section.lr_decay_start));
  section.generator = {kind, lr_g, beta1, beta2};
  section.discriminator = {kind, lr_d, beta1, beta2};
  return section;
}

absl::StatusOr<LearningRateSchedule> OptimSection::ScheduleFor(int64_t total_iterations) const {
  if (decaying() && lr_decay_start >= total_iterations) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config key 'optim.lr_decay_start' (", lr_decay_start, ") must be before the run's end (",
        total_iterations, " iterations) for a decaying optim.lr_schedule"));
  }
  LearningRateSchedule schedule;
  schedule.kind = lr_schedule;
  schedule.start = lr_decay_start;
  schedule.total = total_iterations;
  return schedule;
}

}  // namespace gan
