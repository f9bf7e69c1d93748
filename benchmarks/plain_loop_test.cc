#include "benchmarks/plain_loop.h"

#include <gtest/gtest.h>
#include <torch/utils.h>

#include "gan/networks/dcgan/dcgan.h"
#include "gan/train/alternating_updater.h"

namespace gan {
namespace {

// The plain loop and the updater, from the same weights and the same latent draws, give
// the same losses and the same G after two iterations.
void ExpectSameMath(const DcganSpec& spec, const std::string& loss_name, bool generator_first) {
  const int64_t n = 4;
  torch::manual_seed(0);
  const torch::Tensor real =
      torch::rand({n, spec.image_channels, spec.image_size, spec.image_size}) * 2 - 1;
  torch::manual_seed(1);
  auto g_plain = MakeDcganGenerator(spec);
  PlainLoop plain(g_plain, MakeDcganDiscriminator(spec), *AdversarialLossByName(loss_name),
                  generator_first);
  torch::manual_seed(1);
  auto g_updater = MakeDcganGenerator(spec);
  AlternatingUpdaterOptions options;
  options.generator_first = generator_first;
  AlternatingUpdater updater(g_updater, MakeDcganDiscriminator(spec),
                             *AdversarialLossByName(loss_name), options);

  std::vector<std::pair<float, float>> plain_losses;
  torch::manual_seed(2);
  for (int i = 0; i < 2; ++i) plain_losses.push_back(plain.Iteration(real));
  torch::manual_seed(2);
  for (int i = 0; i < 2; ++i) {
    auto losses = updater.Update(Batch{real, torch::Tensor()}, i);
    EXPECT_NEAR(plain_losses[i].first, losses["loss_g"].item<float>(), 1e-4) << i;
    EXPECT_NEAR(plain_losses[i].second, losses["loss_d"].item<float>(), 1e-4) << i;
  }
  const auto a = g_plain->parameters();
  const auto b = g_updater->parameters();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(torch::allclose(a[i], b[i], 1e-4, 1e-5)) << "parameter " << i;
  }
}

TEST(PlainLoopTest, GeneratorFirstMatchesTheUpdater) {
  ExpectSameMath(StandardDcganSpec(32, 1, 8), "hinge", /*generator_first=*/true);
}

TEST(PlainLoopTest, DiscriminatorFirstMatchesTheUpdater) {
  ExpectSameMath(LibtorchExampleDcganSpec(), "bce", /*generator_first=*/false);
}

}  // namespace
}  // namespace gan
