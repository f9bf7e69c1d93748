// One training iteration of every registered network family on the GPU and on the CPU,
// from the same weights, batch and latents: the GPU's must be the CPU's up to float32
// rounding. Catches what only a device change breaks: a tensor or buffer created on the
// CPU inside a step, a device-dependent branch, a kernel that CUDA computes differently.
//
// What is compared: the losses, and G's and D's parameter changes after a plain SGD step
// (learning rate 0.01, no momentum: the change is the gradient times the rate, so it
// shows the gradients without Adam's normalization, which turns a near-zero gradient's
// rounding into a full step). TF32 is off for the comparison: with it, cuDNN rounds
// convolution inputs to 10 mantissa bits, which is a precision choice, not a defect.
// Tolerance: relative L2 distance 1e-3 over each network's whole change. Float32 reduction
// orders differ between devices by ~1e-7 relative per operation; a few dozen layers forward
// and backward stay near 1e-5, so 1e-3 leaves room, while the defects above give O(1).
// Randomness that runs on the device cannot be matched (CUDA's generator is not the CPU's):
// latents are drawn on the CPU by a wrapper; style mixing is off; StyleGAN's noise inputs
// are scaled by strengths that start at 0, so they change no activation, and only the
// strengths' own gradients (which are sums of noise) are left out of the comparison.
// Without a GPU the second run is on the CPU too, which checks the comparison itself (the
// GPU check's rehearsal runs it so).
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <ATen/Context.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gan/core/config.h"
#include "gan/core/runtime.h"
#include "gan/losses/adversarial_loss.h"
#include "gan/losses/energy_based.h"
#include "gan/networks/family.h"
#include "gan/train/alternating_updater.h"
#include "gan/train/energy_updaters.h"

namespace gan {
namespace {

// G with latents drawn by its own CPU generator, moved to the device: the same on both runs.
class CpuDrawnLatents : public GeneratorModule {
 public:
  explicit CpuDrawnLatents(Generator inner)
      : inner_(register_module("inner", std::move(inner))),
        random_(at::make_generator<at::CPUGeneratorImpl>(/*seed_in=*/5)) {}
  using GeneratorModule::forward;
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& labels) override {
    return inner_->forward(z, labels);
  }
  int64_t latent_dim() const override { return inner_->latent_dim(); }
  int64_t image_size() const override { return inner_->image_size(); }
  int64_t image_channels() const override { return inner_->image_channels(); }
  int64_t num_classes() const override { return inner_->num_classes(); }
  torch::Tensor SampleLatent(int64_t n, const torch::Device& device) const override {
    return torch::randn({n, latent_dim()}, random_).to(device);
  }

 private:
  Generator inner_;
  mutable at::Generator random_;
};

// Each family's model section: its defaults, with style mixing off where there is one. A
// registered family missing here fails a test, so that a new family is compared too (the
// list is not read from the registry, which static initializers fill in no set order).
const std::map<std::string, nlohmann::json>& ModelSections() {
  static const auto* sections = new std::map<std::string, nlohmann::json>{
      {"dcgan", {{"family", "dcgan"}}},
      {"resnet", {{"family", "resnet"}}},
      {"sagan", {{"family", "sagan"}}},
      {"biggan", {{"family", "biggan"}}},
      {"pggan", {{"family", "pggan"}}},
      {"stylegan", {{"family", "stylegan"}, {"style_mixing_probability", 0.0}}},
      {"stylegan2", {{"family", "stylegan2"}, {"style_mixing_probability", 0.0}}},
      {"ebgan", {{"family", "ebgan"}}},
      {"began", {{"family", "began"}}},
  };
  return *sections;
}

struct StepResult {
  std::map<std::string, double> losses;
  std::map<std::string, torch::Tensor> changes;  // "g", "d": flattened, on the CPU
};

torch::Tensor FlatParameters(const torch::nn::Module& module) {
  std::vector<torch::Tensor> flat;
  for (const auto& p : module.named_parameters()) {
    if (p.key().find("noise") != std::string::npos) continue;
    flat.push_back(p.value().detach().reshape(-1).cpu());
  }
  return torch::cat(flat);
}

// Builds the family's networks from seed 0 on the CPU, moves them to `device` and runs one
// iteration on a fixed batch of 8 images of 32x32x3.
StepResult OneIteration(const std::string& family, const torch::Device& device) {
  const auto model = ReadModelSection(ModelSections().at(family));
  EXPECT_TRUE(model.ok()) << model.status();
  torch::manual_seed(0);
  auto networks = model->family->Build({32, 3});
  EXPECT_TRUE(networks.ok()) << networks.status();
  Generator g = std::make_shared<CpuDrawnLatents>(networks->generator);
  std::shared_ptr<torch::nn::Module> d = networks->discriminator;
  if (!d) d = networks->autoencoder;
  g->to(device);
  d->to(device);
  torch::manual_seed(1);
  const Batch batch{torch::rand({8, 3, 32, 32}) * 2 - 1, torch::Tensor()};
  OptimizerOptions sgd;
  sgd.kind = OptimizerOptions::Kind::kSgd;
  sgd.lr = 0.01;
  sgd.beta1 = 0;  // no momentum
  std::unique_ptr<Updater> updater;
  if (networks->discriminator) {
    AlternatingUpdaterOptions options;
    options.device = device;
    options.optimizer_g = options.optimizer_d = sgd;
    updater = std::make_unique<AlternatingUpdater>(g, networks->discriminator,
                                                   *AdversarialLossByName("hinge"), options);
  } else {
    ConfigReader no_options(nlohmann::json::object(), "loss");
    auto loss = ReadEnergyLoss(family, no_options);
    EXPECT_TRUE(loss.ok()) << loss.status();
    updater = *EnergyUpdaterFor(*loss, g, networks->autoencoder, sgd, sgd, device);
  }
  StepResult result;
  const torch::Tensor g_before = FlatParameters(*g), d_before = FlatParameters(*d);
  for (const auto& [name, value] : updater->Update(batch, 0)) {
    result.losses[name] = value.item<double>();
  }
  result.changes["g"] = FlatParameters(*g) - g_before;
  result.changes["d"] = FlatParameters(*d) - d_before;
  return result;
}

std::vector<std::string> FamiliesHere() {
  std::vector<std::string> names;
  for (const auto& section : ModelSections()) names.push_back(section.first);
  return names;
}

class FamilyStepGpuTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FamilyStepGpuTest, OneIterationOnTheGpuIsTheCpusUpToFloat32Rounding) {
  at::globalContext().setAllowTF32CuDNN(false);
  at::globalContext().setAllowTF32CuBLAS(false);
  const StepResult cpu = OneIteration(GetParam(), torch::kCPU);
  const StepResult gpu = OneIteration(GetParam(), FirstGpuOrCpu());
  ASSERT_EQ(cpu.losses.size(), gpu.losses.size());
  for (const auto& [name, value] : cpu.losses) {
    EXPECT_NEAR(gpu.losses.at(name), value, 1e-3 * std::max(1.0, std::abs(value))) << name;
  }
  for (const auto& [network, change] : cpu.changes) {
    const double norm = change.norm().item<double>();
    ASSERT_GT(norm, 0) << network << " did not change on the CPU";
    const double distance = (gpu.changes.at(network) - change).norm().item<double>();
    EXPECT_LT(distance / norm, 1e-3) << network << ": |change| " << norm;
  }
}

INSTANTIATE_TEST_SUITE_P(EveryFamily, FamilyStepGpuTest,
                         ::testing::ValuesIn(FamiliesHere()),
                         [](const auto& info) { return info.param; });

TEST(FamilyStepGpuTest, EveryRegisteredFamilyHasAModelSectionHere) {
  ASSERT_FALSE(RegisteredNetworkFamilies().empty());
  for (const std::string& family : RegisteredNetworkFamilies()) {
    EXPECT_EQ(ModelSections().count(family), 1u) << "add '" << family << "' to ModelSections()";
  }
}

}  // namespace
}  // namespace gan
