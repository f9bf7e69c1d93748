// Minibatch standard deviation (Karras et al. 2018, PGGAN; kept by StyleGAN): D's last
// block sees one extra feature map holding how much the samples of its group differ, so a
// generator whose samples all look alike is easy to tell apart from real data. Samples are
// grouped as in StyleGAN: x is viewed as [G, N/G, C, H, W], so sample i is in group
// i % (N/G). Per group: the (biased) standard deviation over its G members at every
// feature and pixel, averaged over C, H and W to one number, broadcast as a new channel.
//
//   torch::Tensor h = gan::MinibatchStdDev(features);  // [N, C, H, W] -> [N, C + 1, H, W]
#ifndef GAN_NN_MINIBATCH_STDDEV_H_
#define GAN_NN_MINIBATCH_STDDEV_H_

#include <cstdint>

#include <torch/types.h>

#include "absl/status/status.h"

namespace gan {

// G = min(group_size, N); N must be divisible by G. std = sqrt(biased variance + eps).
torch::Tensor MinibatchStdDev(const torch::Tensor& x, int64_t group_size = 4, double eps = 1e-8);

// OK when batches of `batch_size` split into groups of `group_size` (or form one group, being
// no larger); else an error that says so, to follow the batch size's config key.
absl::Status CheckMinibatchStdDevGroups(int64_t group_size, int64_t batch_size);

}  // namespace gan

#endif  // GAN_NN_MINIBATCH_STDDEV_H_
