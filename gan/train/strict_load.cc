#include "gan/train/strict_load.h"

#include <utility>
#include <vector>

namespace gan {
namespace {

struct TensorLayout {
  std::string name;
  std::vector<int64_t> shape;
  c10::ScalarType dtype;
};

std::vector<TensorLayout> Layouts(const torch::nn::Module& module) {
  std::vector<TensorLayout> layouts;
  for (const auto& item : module.named_parameters()) {
    layouts.push_back({item.key(), item.value().sizes().vec(), item.value().scalar_type()});
  }
  for (const auto& item : module.named_buffers()) {
    layouts.push_back({item.key(), item.value().sizes().vec(), item.value().scalar_type()});
  }
  return layouts;
}

// The archive reader trusts a tensor record's sizes and strides; its storage may be
// shorter (found by gan/fuzz:checkpoint_fuzzer).
void CheckStorage(const torch::Tensor& tensor, const std::string& what, const std::string& name) {
  if (!tensor.defined() || tensor.numel() == 0) return;
  int64_t last = tensor.storage_offset();
  for (int64_t d = 0; d < tensor.dim(); ++d) last += (tensor.size(d) - 1) * tensor.stride(d);
  const int64_t needed = (last + 1) * static_cast<int64_t>(tensor.element_size());
  const int64_t stored = tensor.has_storage() && tensor.storage().data() != nullptr
                             ? static_cast<int64_t>(tensor.storage().nbytes())
                             : 0;
  TORCH_CHECK(stored >= needed, what, " tensor '", name, "' has ", stored,
              " bytes of data in the checkpoint, its shape ", tensor.sizes(), " needs ", needed);
}

void CheckLike(const torch::Tensor& state, const torch::Tensor& parameter,
               const std::string& what, const std::string& name) {
  if (!state.defined()) return;
  TORCH_CHECK(state.sizes() == parameter.sizes() && state.scalar_type() == parameter.scalar_type(),
              what, " state '", name, "' is ", state.scalar_type(), state.sizes(),
              " in the checkpoint, its parameter is ", parameter.scalar_type(), parameter.sizes());
  CheckStorage(state, what, name);
}

// The state tensors of the optimizers the toolkit makes, or none for other kinds.
std::vector<std::pair<std::string, torch::Tensor>> StateTensors(
    torch::optim::OptimizerParamState& state) {
  if (auto* adam = dynamic_cast<torch::optim::AdamParamState*>(&state)) {
    return {{"exp_avg", adam->exp_avg()},
            {"exp_avg_sq", adam->exp_avg_sq()},
            {"max_exp_avg_sq", adam->max_exp_avg_sq()}};
  }
  if (auto* adamw = dynamic_cast<torch::optim::AdamWParamState*>(&state)) {
    return {{"exp_avg", adamw->exp_avg()},
            {"exp_avg_sq", adamw->exp_avg_sq()},
            {"max_exp_avg_sq", adamw->max_exp_avg_sq()}};
  }
  if (auto* rmsprop = dynamic_cast<torch::optim::RMSpropParamState*>(&state)) {
    return {{"square_avg", rmsprop->square_avg()},
            {"momentum_buffer", rmsprop->momentum_buffer()},
            {"grad_avg", rmsprop->grad_avg()}};
  }
  if (auto* sgd = dynamic_cast<torch::optim::SGDParamState*>(&state)) {
    return {{"momentum_buffer", sgd->momentum_buffer()}};
  }
  return {};
}

}  // namespace

void LoadModuleStrictly(torch::nn::Module& module, torch::serialize::InputArchive& archive,
                        const std::string& what) {
  const std::vector<TensorLayout> expected = Layouts(module);
  module.load(archive);
  const std::vector<TensorLayout> loaded = Layouts(module);
  TORCH_CHECK(loaded.size() == expected.size(), what, ": loading changed the number of tensors");
  for (size_t i = 0; i < expected.size(); ++i) {
    TORCH_CHECK(loaded[i].shape == expected[i].shape, what, " tensor '", expected[i].name,
                "' has shape ", c10::IntArrayRef(loaded[i].shape),
                " in the checkpoint, the network expects ", c10::IntArrayRef(expected[i].shape));
    TORCH_CHECK(loaded[i].dtype == expected[i].dtype, what, " tensor '", expected[i].name,
                "' is ", loaded[i].dtype, " in the checkpoint, the network expects ",
                expected[i].dtype);
  }
  for (const auto& item : module.named_parameters()) CheckStorage(item.value(), what, item.key());
  for (const auto& item : module.named_buffers()) CheckStorage(item.value(), what, item.key());
}

void LoadOptimizerStrictly(torch::optim::Optimizer& optimizer,
                           torch::serialize::InputArchive& archive, const std::string& what) {
  optimizer.load(archive);
  auto& states = optimizer.state();
  for (size_t g = 0; g < optimizer.param_groups().size(); ++g) {
    const auto& parameters = optimizer.param_groups()[g].params();
    for (size_t p = 0; p < parameters.size(); ++p) {
      auto found = states.find(c10::guts::to_string(parameters[p].unsafeGetTensorImpl()));
      if (found == states.end()) continue;
      for (const auto& [name, tensor] : StateTensors(*found->second)) {
        CheckLike(tensor, parameters[p], what,
                  "group " + std::to_string(g) + " parameter " + std::to_string(p) + " " + name);
      }
    }
  }
}

}  // namespace gan
