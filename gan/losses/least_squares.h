// Least-squares GAN (Mao et al.) with targets a (fake), b (real) for D and c for G:
//   D: 1/2 E[(x_real - b)^2] + 1/2 E[(x_fake - a)^2]
//   G: 1/2 E[(x_fake - c)^2]
// {a, b, c} = {0, 1, 1} is the common 1/2 (x - z)^2 form; {-1, 1, 0} is the form of the
// paper's Pearson chi-squared analysis (b - c = 1, b - a = 2).
#ifndef GAN_LOSSES_LEAST_SQUARES_H_
#define GAN_LOSSES_LEAST_SQUARES_H_

#include <torch/types.h>

namespace gan {

struct LeastSquaresTargets {
  double fake = 0.0;       // a
  double real = 1.0;       // b
  double generator = 1.0;  // c
};

inline constexpr LeastSquaresTargets kLeastSquaresZeroOne{0.0, 1.0, 1.0};
inline constexpr LeastSquaresTargets kLeastSquaresMinusOneOneZero{-1.0, 1.0, 0.0};

torch::Tensor LeastSquaresDiscriminatorLoss(const torch::Tensor& real_logits,
                                            const torch::Tensor& fake_logits,
                                            const LeastSquaresTargets& targets = {});
torch::Tensor LeastSquaresGeneratorLoss(const torch::Tensor& fake_logits,
                                        const LeastSquaresTargets& targets = {});

}  // namespace gan

#endif  // GAN_LOSSES_LEAST_SQUARES_H_
