// A toy of why BCE makes D "too strong". Twenty logits on a line, ten real
// (target 1) and ten fake (target 0), each moved by gradient descent on its own loss:
//   BCE:   grad = sigmoid(x) - t,                 scaled x50
//   LSGAN: grad = 2 (x - t),                       scaled x1
//   hinge: grad = -[x <= 1] (real), [x >= -1] (fake), scaled x5
// with x -= clip(lr * grad, -1, 1), lr = 0.1, for 100 steps from the original toy's start
// (numpy RandomState(123).rand(20) * 10 - 5, reproduced exactly). LSGAN and hinge stop;
// BCE keeps pushing real and fake apart because sigmoid never reaches 0 or 1.
#ifndef GAN_LOSSES_LOGIT_TOY_H_
#define GAN_LOSSES_LOGIT_TOY_H_

#include <cstdint>
#include <string>
#include <vector>

namespace gan {

struct LogitToyOptions {
  int steps = 100;
  double learning_rate = 0.1;
  double clip = 1.0;
  uint32_t seed = 123;
  int count = 20;
};

struct LogitTrajectory {
  std::string loss;    // "bce", "lsgan" or "hinge"
  double scale;        // the original toy's gradient scale for this loss
  // logits[step][i] for step 0..steps (before the first update .. after the last).
  std::vector<std::vector<double>> logits;
};

// Sample i is real (target 1) when i is odd, as in the original toy (gt = arange(20) % 2).
inline bool IsRealLogit(int i) { return i % 2 == 1; }

// numpy's legacy RandomState(seed).rand(n): MT19937 with 53-bit doubles.
std::vector<double> NumpyRand(uint32_t seed, int n);

std::vector<LogitTrajectory> RunLogitToy(const LogitToyOptions& options = {});

}  // namespace gan

#endif  // GAN_LOSSES_LOGIT_TOY_H_
