// Differentiation through unrolled gradient-descent steps: the second-order form of the
// unrolled GAN (Metz et al. 2017), where G's gradient includes how D's look-ahead steps
// themselves depend on G.
//
// K plain gradient-descent steps theta_{k+1} = theta_k - lr * grad_theta L_k(theta_k, phi)
// make theta_K a function of phi. Given v = dF/dtheta_K for some F(theta_K, phi), the part
// of dF/dphi that flows through theta_K is, going back from k = K - 1 to 0,
//   dF/dphi += -lr * (d grad_theta L_k / d phi)^T v
//   v        = v - lr * (d grad_theta L_k / d theta)^T v
// two Hessian-vector products of one double backward through L_k (reverse-mode through
// the steps, with only theta_k kept per step).
//
//   std::vector<torch::Tensor> extra = gan::GradientThroughDescentSteps(
//       d_params, g_params, K, lr, v, [&](int k) { RestoreStep(k); return DLoss(); });
#ifndef GAN_TRAIN_UNROLLED_GRADIENT_H_
#define GAN_TRAIN_UNROLLED_GRADIENT_H_

#include <functional>
#include <vector>

#include <torch/types.h>

namespace gan {

// theta, phi: leaf tensors that require grad. v: one tensor per theta (an undefined one
// counts as zeros). loss_at(k) must put theta (and whatever else L_k reads: buffers, random
// draws) back to how step k found it, and return L_k with its graph to theta and phi, or
// an undefined tensor for a step that was not taken (theta_{k+1} = theta_k). Returns one
// tensor per phi (zeros where phi does not reach the steps); theta is left at theta_0.
std::vector<torch::Tensor> GradientThroughDescentSteps(
    const std::vector<torch::Tensor>& theta, const std::vector<torch::Tensor>& phi, int steps,
    double lr, std::vector<torch::Tensor> v, const std::function<torch::Tensor(int)>& loss_at);

}  // namespace gan

#endif  // GAN_TRAIN_UNROLLED_GRADIENT_H_
