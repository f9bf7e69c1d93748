// Every tensor a training step creates follows the device of its inputs: each shipped
// experiment (so every network family, adversarial loss, penalty and updater) runs training
// iterations with its networks and batch on LibTorch's meta device, where a CPU tensor
// mixed into the step fails (//gan/core:meta_device). Where this LibTorch has no meta
// kernel for an op the step needs, the test is skipped and says which op.
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>
#include <torch/utils.h>

#include "gan/core/config.h"
#include "gan/core/meta_device.h"
#include "gan/core/runfiles.h"
#include "gan/data/dataset_source.h"
#include "gan/run/experiment_config.h"
#include "gan/experiments/experiment_test_support.h"
#include "gan/run/updater_factory.h"
#include "gan/losses/adversarial_loss.h"
#include "gan/networks/dcgan/dcgan.h"
#include "gan/train/alternating_updater.h"

namespace gan {
namespace {

const torch::Device kMeta("meta");

ExperimentConfig TinyConfig(const std::string& name) {
  auto json = ReadJsonFile(FindRunfile("gan/experiments/configs/" + name + ".json").value());
  EXPECT_TRUE(json.ok()) << json.status();
  for (const char* setting : {"model.width=2", "train.batch_size=4"}) {
    EXPECT_TRUE(ApplyOverride(setting, &*json).ok()) << setting;
  }
  auto config = ParseExperimentConfig(*json);
  EXPECT_TRUE(config.ok()) << config.status();
  return *config;
}

bool AllOn(const torch::nn::Module& module, const torch::Device& device) {
  for (const auto& t : module.parameters()) {
    if (t.device() != device) return false;
  }
  for (const auto& t : module.buffers()) {
    if (t.device() != device) return false;
  }
  return true;
}

// Runs `step`; an op without a meta kernel in this LibTorch skips the test, naming it.
#define RUN_OR_SKIP_MISSING_META_KERNEL(step)                                         \
  try {                                                                             \
    step;                                                                           \
  } catch (const c10::NotImplementedError& e) {                                     \
    const std::string what = e.what_without_backtrace();                            \
    GTEST_SKIP() << "no meta kernel in this LibTorch: " << what.substr(0, what.find('.')); \
  }

class OtherDeviceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OtherDeviceTest, TrainingIterationsRunOnTheMetaDevice) {
  const ExperimentConfig config = TinyConfig(GetParam());
  const bool color = config.data.dataset == "stl10" || config.data.dataset == "cifar10";
  const int64_t native = config.data.dataset == "stl10" ? 96 : color ? 32 : 28;
  const int64_t channels = color ? 3 : 1;
  const int64_t size = TransformedSize(config.data, native);
  auto networks = config.model.family->Build({size, channels});
  ASSERT_TRUE(networks.ok()) << networks.status();
  if (config.ema.enabled()) {
    auto ema = config.model.family->BuildGenerator({size, channels});
    ASSERT_TRUE(ema.ok()) << ema.status();
    networks->ema_generator = *ema;
  }
  for (torch::nn::Module* module :
       {static_cast<torch::nn::Module*>(networks->generator.get()),
        static_cast<torch::nn::Module*>(networks->discriminator.get()),
        static_cast<torch::nn::Module*>(networks->autoencoder.get()),
        static_cast<torch::nn::Module*>(networks->ema_generator.get())}) {
    if (module != nullptr) MoveToMetaDevice(*module);
  }
  auto updater = MakeUpdater(config, *networks, kMeta);
  ASSERT_TRUE(updater.ok()) << updater.status();
  const Batch batch{torch::randn({4, channels, size, size}, kMeta),
                    torch::randint(0, 10, {4}, torch::TensorOptions(kMeta).dtype(torch::kLong))};
  // Enough iterations for a G step at n_dis <= 5.
  for (int64_t iteration = 0; iteration < 5; ++iteration) {
    std::map<std::string, torch::Tensor> losses;
    try {
      RUN_OR_SKIP_MISSING_META_KERNEL(losses = (*updater)->Update(batch, iteration));
    } catch (const c10::Error& e) {
      FAIL() << GetParam() << ", iteration " << iteration << ": " << e.what_without_backtrace();
    }
    for (const auto& [name, value] : losses) {
      EXPECT_EQ(value.device(), kMeta) << GetParam() << ": " << name;
    }
  }
  EXPECT_TRUE(AllOn(*networks->generator, kMeta));
  if (networks->discriminator) {
    EXPECT_TRUE(AllOn(*networks->discriminator, kMeta));
  }
  if (networks->autoencoder) {
    EXPECT_TRUE(AllOn(*networks->autoencoder, kMeta));
  }
}

INSTANTIATE_TEST_SUITE_P(ShippedExperiments, OtherDeviceTest, ::testing::ValuesIn(AllExperiments()));

// The check has teeth: a loss that mixes in a CPU tensor (say, a target built without
// the logits' options) fails the step on another device.
TEST(OtherDeviceLeakTest, ACpuTensorCreatedInsideTheStepFailsIt) {
  torch::manual_seed(0);
  const DcganSpec spec = StandardDcganSpec(32, 1, 2, 8);
  AdversarialLoss leaky = *AdversarialLossByName("lsgan");
  leaky.discriminator = [](const torch::Tensor& real, const torch::Tensor& fake) {
    return (real - torch::ones({real.size(0)})).square().mean() + fake.square().mean();
  };
  AlternatingUpdaterOptions options;
  options.device = kMeta;
  auto g = MakeDcganGenerator(spec);
  auto d = MakeDcganDiscriminator(spec);
  MoveToMetaDevice(*g);
  MoveToMetaDevice(*d);
  AlternatingUpdater updater(g, d, leaky, options);
  const Batch batch{torch::randn({4, 1, 32, 32}, kMeta), torch::Tensor()};
  try {
    RUN_OR_SKIP_MISSING_META_KERNEL(updater.Update(batch, 0));
    FAIL() << "a CPU tensor mixed into a meta step went unnoticed";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("same device"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace gan
