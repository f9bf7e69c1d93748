#include "gan/losses/logit_toy.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <utility>

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

namespace {

// d loss / d x of each loss for a logit x with target t (1 real, 0 fake).
double BceGradient(double x, double t) { return 1.0 / (1.0 + std::exp(-x)) - t; }
double LeastSquaresGradient(double x, double t) { return 2.0 * (x - t); }
double HingeGradient(double x, double t) {
  return t == 1.0 ? -(x <= 1.0 ? 1.0 : 0.0) : (x >= -1.0 ? 1.0 : 0.0);
}

struct ToyLoss {
  const char* name;
  double scale;  // the original toy's gradient scale
  double (*gradient)(double x, double t);
};

constexpr ToyLoss kToyLosses[] = {
    {"bce", 50.0, BceGradient}, {"lsgan", 1.0, LeastSquaresGradient}, {"hinge", 5.0, HingeGradient}};

}  // namespace

std::vector<LogitTrajectory> RunLogitToy(const LogitToyOptions& options) {
  std::vector<double> start = NumpyRand(options.seed, options.count);
  for (double& x : start) x = x * 10 - 5;
  std::vector<LogitTrajectory> result;
  for (const ToyLoss& loss : kToyLosses) {
    LogitTrajectory trajectory{loss.name, loss.scale, {}};
    std::vector<double> x = start;
    trajectory.logits.push_back(x);
    for (int step = 0; step < options.steps; ++step) {
      for (int i = 0; i < options.count; ++i) {
        const double grad = loss.gradient(x[i], IsRealLogit(i) ? 1.0 : 0.0);
        x[i] -= std::clamp(options.learning_rate * grad * trajectory.scale, -options.clip,
                           options.clip);
      }
      trajectory.logits.push_back(x);
    }
    result.push_back(std::move(trajectory));
  }
  return result;
}

}  // namespace gan
