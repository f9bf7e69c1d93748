#include "gan/train/unrolled_gradient.h"

#include <torch/autograd.h>

namespace gan {

std::vector<torch::Tensor> GradientThroughDescentSteps(
    const std::vector<torch::Tensor>& theta, const std::vector<torch::Tensor>& phi, int steps,
    double lr, std::vector<torch::Tensor> v, const std::function<torch::Tensor(int)>& loss_at) {
  TORCH_CHECK(v.size() == theta.size(), "GradientThroughDescentSteps: ", v.size(),
              " vectors for ", theta.size(), " parameters");
  for (size_t i = 0; i < theta.size(); ++i) {
    if (!v[i].defined()) v[i] = torch::zeros_like(theta[i]);
  }
  std::vector<torch::Tensor> gradient;
  for (const torch::Tensor& p : phi) gradient.push_back(torch::zeros_like(p));
  std::vector<torch::Tensor> both = theta;
  both.insert(both.end(), phi.begin(), phi.end());
  for (int k = steps - 1; k >= 0; --k) {
    const torch::Tensor loss = loss_at(k);
    if (!loss.defined()) continue;
    const std::vector<torch::Tensor> g = torch::autograd::grad(
        {loss}, theta, {}, /*retain_graph=*/true, /*create_graph=*/true, /*allow_unused=*/true);
    torch::Tensor g_dot_v = torch::zeros({}, loss.options());
    for (size_t i = 0; i < theta.size(); ++i) {
      if (g[i].defined()) g_dot_v = g_dot_v + (g[i] * v[i]).sum();
    }
    if (!g_dot_v.requires_grad()) continue;  // L_k does not depend on theta
    const std::vector<torch::Tensor> hv = torch::autograd::grad(
        {g_dot_v}, both, {}, /*retain_graph=*/false, /*create_graph=*/false, /*allow_unused=*/true);
    for (size_t i = 0; i < theta.size(); ++i) {
      if (hv[i].defined()) v[i] = v[i] - lr * hv[i];
    }
    for (size_t j = 0; j < phi.size(); ++j) {
      const torch::Tensor& h = hv[theta.size() + j];
      if (h.defined()) gradient[j] -= lr * h;
    }
  }
  return gradient;
}

}  // namespace gan
