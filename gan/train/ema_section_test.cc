#include "gan/train/ema_section.h"

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "gan/core/config_section_testing.h"
#include "gan/networks/dcgan/dcgan.h"

namespace gan {
namespace {

// The section's error, or "" when it reads without one.
std::string ReadError(const std::string& section, EmaSection* read = nullptr) {
  return ReadSectionError(section, "ema", ReadEmaSection, read);
}

TEST(EmaSectionTest, AnEmptySectionIsNoAverage) {
  EmaSection ema;
  EXPECT_EQ(ReadError("{}", &ema), "");
  EXPECT_FALSE(ema.enabled());
  EXPECT_EQ(ema.buffers, EmaSection::Buffers::kCopy);
}

TEST(EmaSectionTest, ReadsEveryKey) {
  EmaSection ema;
  EXPECT_EQ(ReadError(R"({"half_life_images": 500, "rampup": 0.05, "start_g_steps": 3,
                          "buffers": "average"})", &ema), "");
  EXPECT_TRUE(ema.enabled());
  EXPECT_EQ(ema.half_life_images, 500);
  EXPECT_EQ(ema.rampup, 0.05);
  EXPECT_EQ(ema.start_g_steps, 3);
  EXPECT_EQ(ema.buffers, EmaSection::Buffers::kAverage);
}

TEST(EmaSectionTest, ErrorsNameTheKeyAndWhatWasExpected) {
  EXPECT_EQ(ReadError(R"({"decay": 1.0})"), "config key 'ema.decay' must be in [0, 1) (0 = off), got 1");
  EXPECT_NE(ReadError(R"({"decay": 0.9, "half_life_images": 10})")
                .find("'ema.half_life_images' sets the average's decay, which ema.decay (0.9)"),
            std::string::npos);
  EXPECT_NE(ReadError(R"({"decay": 0.9, "rampup": 0.05})")
                .find("'ema.rampup' shortens ema.half_life_images, which is not set"),
            std::string::npos);
  EXPECT_NE(ReadError(R"({"buffers": "mean"})").find("'ema.buffers' must be copy or average, got 'mean'"),
            std::string::npos);
  EXPECT_NE(ReadError(R"({"decy": 0.9})").find("ema.decy"), std::string::npos);
}

// Records the iterations it ran; its G is a tiny DCGAN's.
class StubUpdater : public Updater {
 public:
  StubUpdater() : generator_(MakeDcganGenerator(StandardDcganSpec(32, 1, 4, 8))) {}
  std::map<std::string, torch::Tensor> Update(const Batch&, int64_t) override {
    return {{"loss_g", torch::tensor(0.0)}};
  }
  void Save(torch::serialize::OutputArchive&) const override {}
  void Load(torch::serialize::InputArchive&) override {}
  const Generator& generator() const override { return generator_; }
  torch::Device device() const override { return torch::kCPU; }

 private:
  Generator generator_;
};

TEST(EmaSectionTest, WithEmaSamplesFromTheShadowOnlyWhenTheSectionAsksForAnAverage) {
  auto inner = std::make_unique<StubUpdater>();
  Updater* inner_address = inner.get();
  Generator shadow = MakeDcganGenerator(StandardDcganSpec(32, 1, 4, 8));
  std::unique_ptr<Updater> plain = WithEma(std::move(inner), shadow, EmaSection{}, 1, 64);
  EXPECT_EQ(plain.get(), inner_address) << "no section, no wrapper";

  EmaSection averaged;
  averaged.decay = 0.5;
  std::unique_ptr<Updater> with_ema = WithEma(std::move(plain), shadow, averaged, 1, 64);
  EXPECT_EQ(with_ema->sampling_generator(), shadow);
  EXPECT_NE(with_ema->generator(), shadow);
}

}  // namespace
}  // namespace gan
