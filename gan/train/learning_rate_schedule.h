// Learning-rate schedules over a run: the factor on each optimizer's initial rates at an
// iteration (0-based), for a run of `total` iterations whose decay begins at `start`:
//   constant  1
//   linear    1 up to `start`, then 1 - (i - start) / (total - start), down to 0 at `total`
//             (mimicry's linear decay, which its baselines train with)
//   cosine    1 up to `start`, then (1 + cos(pi (i - start) / (total - start))) / 2
// The factor is a function of the iteration alone, so a resumed run takes the rates of
// one that never stopped; it applies to every parameter group of both optimizers, which
// keeps their ratios (StyleGAN's slower mapping network).
//
//   gan::ScheduledLearningRates rates(optimizer);
//   rates.Apply(schedule.Factor(iteration));   // before the iteration's steps
#ifndef GAN_TRAIN_LEARNING_RATE_SCHEDULE_H_
#define GAN_TRAIN_LEARNING_RATE_SCHEDULE_H_

#include <cstdint>
#include <string>
#include <vector>

#include <torch/optim/optimizer.h>

namespace gan {

struct LearningRateSchedule {
  enum class Kind { kConstant, kLinear, kCosine };
  Kind kind = Kind::kConstant;
  int64_t start = 0;  // iterations at the initial rates before the decay begins
  int64_t total = 0;  // the run's iterations; the rates reach 0 there

  double Factor(int64_t iteration) const;
};

// "constant", "linear", "cosine"; false for anything else.
bool ParseLearningRateScheduleKind(const std::string& name, LearningRateSchedule::Kind* kind);

// Remembers an optimizer's initial rate of every parameter group and sets them to those
// times a factor.
class ScheduledLearningRates {
 public:
  explicit ScheduledLearningRates(torch::optim::Optimizer& optimizer);
  void Apply(double factor);

 private:
  torch::optim::Optimizer& optimizer_;
  std::vector<double> initial_;
};

}  // namespace gan

#endif  // GAN_TRAIN_LEARNING_RATE_SCHEDULE_H_
