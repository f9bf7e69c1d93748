// The hinge loss (Lim & Ye 2017) in the form of SPADE, SAGAN and BigGAN:
//   D:  E[relu(1 - x_real)] + E[relu(1 + x_fake)]   (= -min(x-1, 0), -min(-x-1, 0))
//   G: -E[x_fake]
// D's gradient is zero once a logit is beyond its margin of 1, which bounds how far D
// separates real from fake.
#ifndef GAN_LOSSES_HINGE_H_
#define GAN_LOSSES_HINGE_H_

#include <torch/types.h>

namespace gan {

torch::Tensor HingeDiscriminatorLoss(const torch::Tensor& real_logits,
                                     const torch::Tensor& fake_logits);
torch::Tensor HingeGeneratorLoss(const torch::Tensor& fake_logits);

}  // namespace gan

#endif  // GAN_LOSSES_HINGE_H_
