#include "gan/inference/generator.h"

#include <algorithm>
#include <utility>

#include <torch/torch.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gan/core/exception_message.h"

namespace gan {

InferenceGenerator::InferenceGenerator(torch::jit::Module module, std::string name,
                                       torch::Device device)
    : module_(std::move(module)), name_(std::move(name)), device_(device) {}

absl::StatusOr<InferenceGenerator> InferenceGenerator::Load(const std::string& path,
                                                            const torch::Device& device) {
  torch::jit::Module module;
  try {
    module = torch::jit::load(path, device);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a TorchScript module that LibTorch can load: ",
                     ExceptionMessage(e)));
  }
  return FromModule(std::move(module), path, device);
}

absl::StatusOr<InferenceGenerator> InferenceGenerator::FromModule(torch::jit::Module module,
                                                                  const std::string& name,
                                                                  const torch::Device& device) {
  InferenceGenerator g(std::move(module), name, device);
  for (const auto& [attribute, value] : std::vector<std::pair<const char*, int64_t*>>{
           {"latent_dim", &g.latent_dim_},
           {"num_classes", &g.num_classes_},
           {"image_size", &g.image_size_},
           {"image_channels", &g.image_channels_}}) {
    if (!g.module_.hasattr(attribute) || !g.module_.attr(attribute).isInt()) {
      return absl::InvalidArgumentError(absl::StrCat(
          name, ": the module has no integer attribute '", attribute,
          "': not a generator written by the export tool"));
    }
    *value = g.module_.attr(attribute).toInt();
  }
  if (g.module_.find_method("styles") && g.module_.find_method("synthesize")) {
    g.num_ws_ = g.module_.attr("num_ws").toInt();
    g.w_dim_ = g.module_.attr("w_dim").toInt();
  }
  g.module_.to(device);
  g.module_.eval();
  return g;
}

torch::Tensor InferenceGenerator::LatentsFromSeeds(const std::vector<uint64_t>& seeds) const {
  std::vector<torch::Tensor> rows;
  rows.reserve(seeds.size());
  for (const uint64_t seed : seeds) {
    torch::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    rows.push_back(torch::randn({1, latent_dim_}, generator));
  }
  return rows.empty() ? torch::zeros({0, latent_dim_}) : torch::cat(rows);
}

absl::StatusOr<torch::Tensor> InferenceGenerator::Call(const std::string& method,
                                                       std::vector<c10::IValue> inputs) const {
  try {
    return module_.get_method(method)(std::move(inputs)).toTensor();
  } catch (const std::exception& e) {
    // The module's own checks say what was wrong, after the traceback: "AssertionError: ...".
    std::string message = e.what();
    const size_t assertion = message.rfind("AssertionError: ");
    if (assertion != std::string::npos) message = message.substr(assertion + 16);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return absl::InvalidArgumentError(absl::StrCat(name_, ": ", message));
  }
}

absl::StatusOr<torch::Tensor> InferenceGenerator::Generate(const torch::Tensor& z,
                                                           const torch::Tensor& labels,
                                                           int64_t batch_size) const {
  if (batch_size < 1) {
    return absl::InvalidArgumentError(absl::StrCat("batch_size must be >= 1, got ", batch_size));
  }
  if ((num_classes_ > 0) != labels.defined()) {
    return absl::InvalidArgumentError(
        num_classes_ > 0
            ? absl::StrCat(name_, " is conditional (", num_classes_, " classes): give labels")
            : absl::StrCat(name_, " is unconditional: labels must be undefined"));
  }
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < std::max<int64_t>(z.size(0), 1); start += batch_size) {
    std::vector<c10::IValue> inputs;
    inputs.emplace_back(z.slice(0, start, start + batch_size).to(device_));
    if (labels.defined()) inputs.emplace_back(labels.slice(0, start, start + batch_size).to(device_));
    absl::StatusOr<torch::Tensor> images = Call("forward", std::move(inputs));
    if (!images.ok()) return images.status();
    parts.push_back(images->cpu());
  }
  return torch::cat(parts);
}

absl::StatusOr<torch::Tensor> InferenceGenerator::Styles(const torch::Tensor& z,
                                                         const torch::Tensor& labels, double psi,
                                                         int64_t cutoff) const {
  if (!style_based()) {
    return absl::FailedPreconditionError(
        absl::StrCat(name_, " has no mapping network (not a StyleGAN-family generator)"));
  }
  std::vector<c10::IValue> inputs;
  inputs.emplace_back(z.to(device_));
  if (labels.defined()) inputs.emplace_back(labels.to(device_));
  inputs.emplace_back(psi);
  inputs.emplace_back(cutoff);
  return Call("styles", std::move(inputs));
}

absl::StatusOr<torch::Tensor> InferenceGenerator::Synthesize(const torch::Tensor& ws,
                                                             bool noise) const {
  if (!style_based()) {
    return absl::FailedPreconditionError(
        absl::StrCat(name_, " has no synthesis network (not a StyleGAN-family generator)"));
  }
  std::vector<c10::IValue> inputs;
  inputs.emplace_back(ws.to(device_));
  inputs.emplace_back(noise);
  return Call("synthesize", std::move(inputs));
}

torch::Tensor InferenceGenerator::w_average() const {
  return style_based() ? module_.attr("w_average").toTensor() : torch::Tensor();
}

}  // namespace gan
