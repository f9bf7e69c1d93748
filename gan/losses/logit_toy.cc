#include "gan/losses/logit_toy.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace gan {

std::vector<double> NumpyRand(uint32_t seed, int n) {
  std::mt19937 engine(seed);  // same init_genrand as numpy's integer seeding
  std::vector<double> values(n);
  for (double& value : values) {
    const uint32_t a = engine() >> 5, b = engine() >> 6;
    value = (a * 67108864.0 + b) / 9007199254740992.0;
  }
  return values;
}

std::vector<LogitTrajectory> RunLogitToy(const LogitToyOptions& options) {
  std::vector<double> start = NumpyRand(options.seed, options.count);
  for (double& x : start) x = x * 10 - 5;
  std::vector<LogitTrajectory> result = {{"bce", 50.0, {}}, {"lsgan", 1.0, {}}, {"hinge", 5.0, {}}};
  for (LogitTrajectory& trajectory : result) {
    std::vector<double> x = start;
    trajectory.logits.push_back(x);
    for (int step = 0; step < options.steps; ++step) {
      for (int i = 0; i < options.count; ++i) {
        const double t = IsRealLogit(i) ? 1.0 : 0.0;
        double grad;
        if (trajectory.loss == "bce") {
          grad = 1.0 / (1.0 + std::exp(-x[i])) - t;
        } else if (trajectory.loss == "lsgan") {
          grad = 2.0 * (x[i] - t);
        } else {
          grad = IsRealLogit(i) ? -(x[i] <= 1.0 ? 1.0 : 0.0) : (x[i] >= -1.0 ? 1.0 : 0.0);
        }
        x[i] -= std::clamp(options.learning_rate * grad * trajectory.scale, -options.clip,
                           options.clip);
      }
      trajectory.logits.push_back(x);
    }
  }
  return result;
}

}  // namespace gan
