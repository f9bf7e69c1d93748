// Replays the 20-logit experiment (gan/losses/logit_toy.h) and writes
//   <out_dir>/logit_toy.csv          loss,step,index,real,logit
//   <out_dir>/logit_toy_<loss>.png   one picture per loss: logit (x, -10..10) against
//                                    step (y, downwards); red = fake, blue = real,
//                                    grey guides at logits -1, 0 and 1.
//
//   bazel run //gan/tools:logit_toy -- --out_dir=runs/toy
#include <cmath>
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gan/core/atomic_file.h"
#include "gan/core/image_grid.h"
#include "gan/core/run_directory.h"
#include "gan/core/tool_main.h"
#include "gan/losses/logit_toy.h"

ABSL_FLAG(std::string, out_dir, "runs/logit_toy",
          "where to write the CSV and pictures (relative to where you ran bazel)");
ABSL_FLAG(int, steps, 100, "gradient steps (the original toy uses 100)");

namespace gan {
namespace {

constexpr int kPixelsPerUnit = 20;  // logit range -10..10 -> 401 pixels
constexpr int kRowsPerStep = 4;

torch::Tensor Plot(const LogitTrajectory& trajectory) {
  const int64_t width = 20 * kPixelsPerUnit + 1;
  const int64_t height = static_cast<int64_t>(trajectory.logits.size()) * kRowsPerStep;
  torch::Tensor image = torch::full({height, width, 3}, 255, torch::kUInt8);
  auto column = [](double logit) { return static_cast<int64_t>(std::lround((logit + 10) * kPixelsPerUnit)); };
  for (double guide : {-1.0, 0.0, 1.0}) image.select(1, column(guide)).fill_(200);
  auto pixels = image.accessor<uint8_t, 3>();
  for (size_t step = 0; step < trajectory.logits.size(); ++step) {
    for (size_t i = 0; i < trajectory.logits[step].size(); ++i) {
      const int64_t x = column(trajectory.logits[step][i]);
      if (x < 1 || x >= width - 1) continue;  // off the plotted range
      const bool real = IsRealLogit(static_cast<int>(i));
      for (int64_t y = step * kRowsPerStep; y < static_cast<int64_t>(step + 1) * kRowsPerStep; ++y) {
        for (int64_t dx = -1; dx <= 1; ++dx) {
          pixels[y][x + dx][0] = real ? 30 : 220;
          pixels[y][x + dx][1] = 40;
          pixels[y][x + dx][2] = real ? 220 : 30;
        }
      }
    }
  }
  return image;
}

absl::Status Run() {
  const std::string out_dir = ResolveUserPath(absl::GetFlag(FLAGS_out_dir));
  absl::Status status = MakeDirectories(out_dir);
  if (!status.ok()) return status;
  LogitToyOptions options;
  options.steps = absl::GetFlag(FLAGS_steps);
  if (options.steps <= 0) return absl::InvalidArgumentError("--steps must be positive");
  std::string csv = "loss,step,index,real,logit\n";
  for (const LogitTrajectory& trajectory : RunLogitToy(options)) {
    for (size_t step = 0; step < trajectory.logits.size(); ++step) {
      for (size_t i = 0; i < trajectory.logits[step].size(); ++i) {
        absl::StrAppend(&csv, absl::StrFormat("%s,%d,%d,%d,%.9g\n", trajectory.loss, step, i,
                                              IsRealLogit(static_cast<int>(i)) ? 1 : 0,
                                              trajectory.logits[step][i]));
      }
    }
    const std::string picture = absl::StrCat(out_dir, "/logit_toy_", trajectory.loss, ".png");
    status = WritePng(Plot(trajectory), picture);
    if (!status.ok()) return status;
    const auto& last = trajectory.logits.back();
    const auto& before = trajectory.logits[trajectory.logits.size() - 2];
    double moved = 0;
    for (size_t i = 0; i < last.size(); ++i) moved += std::abs(last[i] - before[i]);
    std::printf("%-6s (gradient x%g): total movement in the last step %.3g -> %s\n",
                trajectory.loss.c_str(), trajectory.scale, moved, picture.c_str());
  }
  return WriteFileAtomically(out_dir + "/logit_toy.csv", csv);
}

}  // namespace
}  // namespace gan

int main(int argc, char** argv) {
  return gan::RunTool(argc, argv,
                      "The 20-logit toy: BCE, LSGAN and hinge gradient descent on fixed "
                      "logits, as CSV and pictures.",
                      gan::Run);
}
