#include "gan/train/auxiliary_state.h"

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace gan {
namespace {

// A term whose state is one number (as LeCam's moving averages are a few).
class CountingTerm : public LossTerm {
 public:
  void Save(torch::serialize::OutputArchive& archive, const std::string& prefix) const override {
    archive.write(prefix + "count", count);
  }
  void Load(torch::serialize::InputArchive& archive, const std::string& prefix) override {
    archive.read(prefix + "count", count);
  }
  torch::Tensor count = torch::tensor(0.0);
};

TEST(AuxiliaryStateTest, IsEmptyWithoutStatefulTermsOrAugmentation) {
  AuxiliaryState state({{"r1", std::make_shared<LossTerm>()}}, nullptr);
  EXPECT_TRUE(state.empty());
  EXPECT_EQ(state.Copy(), "");
}

TEST(AuxiliaryStateTest, CheckpointsEachTermUnderItsNameAndRestoresACopy) {
  auto term = std::make_shared<CountingTerm>();
  AuxiliaryState state({{"lecam", term}}, nullptr);
  ASSERT_FALSE(state.empty());
  term->count = torch::tensor(3.0);
  torch::serialize::OutputArchive archive;
  state.Save(archive);
  std::stringstream bytes;
  archive.save_to(bytes);
  torch::serialize::InputArchive saved;
  saved.load_from(bytes);
  EXPECT_EQ(saved.keys(), std::vector<std::string>{"terms/lecam/count"});

  const std::string three = state.Copy();
  term->count = torch::tensor(7.0);
  state.Restore(three);
  EXPECT_EQ(term->count.item<double>(), 3.0);
}

}  // namespace
}  // namespace gan
