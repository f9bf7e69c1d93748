#include "gan/core/random_state.h"

#include <gtest/gtest.h>
#include <torch/utils.h>

namespace gan {
namespace {

TEST(RandomStateTest, TheGuardRestoresWhatWasDrawnAndSeededInside) {
  torch::manual_seed(5);
  const torch::Tensor state = RandomState(torch::kCPU);
  const torch::Tensor expected = torch::rand({4});
  SetRandomState(torch::kCPU, state);
  {
    RandomStateGuard guard;
    torch::rand({100});
    torch::manual_seed(99);
    torch::randn({7});
  }
  EXPECT_TRUE(torch::rand({4}).equal(expected));
}

}  // namespace
}  // namespace gan
