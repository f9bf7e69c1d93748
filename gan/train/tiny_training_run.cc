#include "gan/train/tiny_training_run.h"

#include <cstdlib>
#include <utility>

#include <gtest/gtest.h>

#include "gan/core/run_directory.h"
#include "gan/data/transforms.h"
#include "gan/losses/adversarial_loss.h"

namespace gan {

std::string TestDir(const std::string& name) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  EXPECT_TRUE(MakeDirectories(dir).ok());
  return dir;
}

ImageDataset TinyData() {
  torch::manual_seed(100);
  ImageDataset data;
  data.images = torch::randint(0, 256, {40, 1, 28, 28}).to(torch::kUInt8);
  return data;
}

TinyRun MakeTinyRun(uint64_t seed, AlternatingUpdaterOptions options) {
  torch::manual_seed(seed);
  const DcganSpec spec = StandardDcganSpec(32, 1, 4, 8);
  TinyRun s;
  s.g = MakeDcganGenerator(spec);
  s.d = MakeDcganDiscriminator(spec);
  s.augmentation = options.augmentation;
  s.updater = std::make_unique<AlternatingUpdater>(s.g, s.d, *AdversarialLossByName("bce"),
                                                   std::move(options));
  TransformPipeline transforms({ScaleToMinusOneOne(), Pad(2), RandomHorizontalFlip()});
  s.loader = std::make_unique<BatchLoader>(TinyData(), transforms,
                                           BatchLoaderOptions{.batch_size = 8, .seed = seed});
  return s;
}

std::vector<torch::Tensor> State(torch::nn::Module& module) {
  std::vector<torch::Tensor> out;
  for (const auto& t : module.parameters()) out.push_back(t.detach().clone());
  for (const auto& t : module.buffers()) out.push_back(t.detach().clone());
  return out;
}

}  // namespace gan
