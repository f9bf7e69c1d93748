// The trainer's output extensions on a tiny training run: sample grids, the loss log and
// the progress line.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "gan/core/atomic_file.h"
#include "gan/outputs/loss_log_extension.h"
#include "gan/outputs/progress_extension.h"
#include "gan/outputs/sample_grid_extension.h"
#include "gan/train/tiny_training_run.h"
#include "gan/train/trainer.h"

namespace gan {
namespace {

using ::testing::HasSubstr;

TEST(SampleGridExtensionTest, WritesGridWithoutDisturbingTraining) {
  const std::string dir = TestDir("samples");
  TinyRun s = MakeTinyRun();
  SampleGridExtension samples(s.g, dir, {.count = 6, .columns = 3, .seed = 4}, torch::kCPU);
  const auto buffers_before = State(*s.g);
  torch::manual_seed(11);
  TrainingState state;
  state.iteration = 20;
  ASSERT_TRUE(samples.Run(state).ok());
  const torch::Tensor next = torch::randn({3});
  torch::manual_seed(11);
  EXPECT_TRUE(torch::randn({3}).equal(next)) << "sampling consumed the training RNG";
  const auto buffers_after = State(*s.g);
  for (size_t i = 0; i < buffers_before.size(); ++i) {
    EXPECT_TRUE(buffers_before[i].equal(buffers_after[i]));
  }
  std::string png;
  ASSERT_TRUE(ReadFile(dir + "/iter_000000020.png", &png).ok());
  EXPECT_EQ(png.substr(1, 3), "PNG");
  // The same fixed latents give the same images.
  EXPECT_TRUE(samples.Sample().equal(samples.Sample()));
  EXPECT_EQ(samples.Sample().sizes(), (std::vector<int64_t>{6, 1, 32, 32}));
}

TEST(LossLogExtensionTest, WritesMeansAndTruncatesOnResume) {
  const std::string path = TestDir("log") + "/log.jsonl";
  TinyRun s = MakeTinyRun();
  Trainer trainer(*s.updater, *s.loader, 6);
  trainer.Add(std::make_unique<LossLogExtension>(path), Trigger::EveryIterations(2));
  ASSERT_TRUE(trainer.Run().ok());
  std::string text;
  ASSERT_TRUE(ReadFile(path, &text).ok());
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2]["iteration"], 6);
  EXPECT_EQ(lines[2]["epoch"], 1);
  for (const auto& line : lines) {
    EXPECT_TRUE(std::isfinite(line["loss_d"].get<double>()));
    EXPECT_TRUE(std::isfinite(line["loss_g"].get<double>()));
  }
  // A resume from iteration 4 drops the line for 6, and a torn line.
  { std::ofstream(path, std::ios::app) << "{\"iteration\": 8, \"loss"; }
  LossLogExtension log(path);
  TrainingState state;
  state.iteration = 4;
  ASSERT_TRUE(log.Start(state).ok());
  ASSERT_TRUE(ReadFile(path, &text).ok());
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  EXPECT_THAT(text, ::testing::Not(HasSubstr("\"iteration\":6")));
}

TEST(ProgressExtensionTest, FormatsRateEtaAndLosses) {
  ProgressExtension progress(30.0, stderr, /*terminal=*/0);
  TrainingState state;
  ASSERT_TRUE(progress.Start(state).ok());
  state.iteration = 50;
  state.epoch = 1;
  state.iterations_per_epoch = 40;
  state.total_iterations = 250;
  state.logged_losses = {{"loss_d", 1.5}, {"loss_g", 0.25}};
  EXPECT_EQ(progress.Format(state, 10.0),
            "epoch 1/7  iter 50/250  5.00 it/s  elapsed 10s  ETA 40s  loss_d 1.5000  loss_g 0.2500");
  EXPECT_EQ(FormatDuration(3725), "1h02m05s");
  EXPECT_EQ(FormatDuration(65), "1m05s");
}

TEST(ProgressExtensionTest, PlainOutputPrintsWholeLinesAtTheEnd) {
  std::FILE* out = std::tmpfile();
  ProgressExtension progress(1000.0, out, /*terminal=*/0);
  TrainingState state;
  state.total_iterations = 3;
  ASSERT_TRUE(progress.Start(state).ok());
  for (int i = 1; i <= 3; ++i) {
    state.iteration = i;
    ASSERT_TRUE(progress.Run(state).ok());
  }
  std::rewind(out);
  char buffer[512] = {0};
  const size_t n = std::fread(buffer, 1, sizeof(buffer) - 1, out);
  std::fclose(out);
  const std::string text(buffer, n);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);  // only the final line
  EXPECT_THAT(text, HasSubstr("iter 3/3"));
  EXPECT_EQ(text.find('\r'), std::string::npos);
}

}  // namespace
}  // namespace gan
