#include "gan/networks/stylegan/style_space.h"

#include <torch/utils.h>

namespace gan {
namespace {

// [1, L, 1] bool: true for the inputs < cutoff.
torch::Tensor LayersBelow(int64_t cutoff, int64_t layers, const torch::Device& device) {
  return (torch::arange(layers, torch::TensorOptions().dtype(torch::kLong).device(device)) < cutoff)
      .view({1, layers, 1});
}

}  // namespace

torch::Tensor MixStyles(const torch::Tensor& w, const torch::Tensor& w2, int64_t crossover,
                        int64_t layers) {
  return torch::where(LayersBelow(crossover, layers, w.device()), w.unsqueeze(1), w2.unsqueeze(1));
}

torch::Tensor TruncateStyles(const torch::Tensor& ws, const torch::Tensor& w_average, double psi,
                             int64_t cutoff) {
  const int64_t layers = ws.size(1);
  const torch::Tensor truncated = w_average + psi * (ws - w_average);
  return torch::where(LayersBelow(cutoff < 0 ? layers : cutoff, layers, ws.device()), truncated, ws);
}

torch::Tensor BatchStyles(const torch::Tensor& w, int64_t layers, bool training,
                          torch::Tensor& w_average, const StyleSettings& settings,
                          const std::function<torch::Tensor()>& map_fresh) {
  torch::Tensor ws;
  if (training) {
    {
      torch::NoGradGuard no_grad;
      // In float32 whatever precision autocast computed w in, as the reference keeps it.
      w_average.copy_(torch::lerp(w.mean(0).to(w_average.scalar_type()), w_average,
                                  settings.w_average_decay));
    }
    // One draw per batch decides whether the whole batch is mixed, as in StyleGAN.
    if (torch::rand({1}).item<double>() < settings.mixing_probability) {
      const torch::Tensor w2 = map_fresh();
      const int64_t crossover = torch::randint(1, layers, {1}).item<int64_t>();
      ws = MixStyles(w, w2, crossover, layers);
    }
  }
  if (!ws.defined()) ws = w.unsqueeze(1).expand({-1, layers, -1});
  if (settings.truncation_psi != 1.0) {
    ws = TruncateStyles(ws, w_average, settings.truncation_psi, settings.truncation_cutoff);
  }
  return ws;
}

}  // namespace gan
