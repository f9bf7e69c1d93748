// `sample`: images from a trained run's checkpoint, without the data set.
//
//   bazel run //gan/tools:sample -- --run_dir=runs/biggan --mode=classes --truncation=1.0
//
// Modes: grid (N images), images (N separate PNGs), classes (one row per class, the same
// latents in every row), interpolate (rows of --steps images between two latents).
// --truncation resamples large z components, or for StyleGAN truncates w toward w_avg.
#include <cstdio>
#include <string>

#include <torch/utils.h>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gan/core/image_grid.h"
#include "gan/core/run_directory.h"
#include "gan/core/runtime.h"
#include "gan/core/tool_main.h"
#include "gan/core/status_macros.h"
#include "gan/run/run_generator.h"
#include "gan/inference/interpolation.h"
#include "gan/networks/truncation.h"

ABSL_FLAG(std::string, run_dir, "", "run directory of an experiment (config.json, checkpoints/)");
ABSL_FLAG(std::string, checkpoint, "", "checkpoint file (default: the newest in --run_dir)");
ABSL_FLAG(std::string, mode, "grid", "grid | images | classes | interpolate");
ABSL_FLAG(std::string, out, "",
          "output PNG (grid, classes, interpolate) or directory (images); default "
          "<run_dir>/samples/sample_<mode>[.png]");
ABSL_FLAG(int64_t, n, 64, "images (grid, images) or, divided by --steps, rows (interpolate)");
ABSL_FLAG(int64_t, columns, 8, "grid columns (and images per class row)");
ABSL_FLAG(int64_t, steps, 8, "interpolate: images per row, both ends included");
ABSL_FLAG(std::string, interpolation, "linear",
          "interpolate: linear, or spherical (along the great circle between the latents)");
ABSL_FLAG(int64_t, label, -1, "conditional generators: this class for every image (-1 = random)");
ABSL_FLAG(double, truncation, 0.0,
          "truncation trick: resample latent components with |z| > this (0 = off); for "
          "StyleGAN generators it is psi in w instead: w = w_avg + psi * (w - w_avg) in every "
          "layer (e.g. 0.7), with z untruncated");
ABSL_FLAG(bool, ema, true, "use the moving-average generator when the checkpoint has one");
ABSL_FLAG(bool, batch_statistics, false,
          "BatchNorm with the batch's statistics (training mode) instead of running averages");
ABSL_FLAG(int64_t, seed, 0, "random seed of the latents and labels");
ABSL_FLAG(int64_t, threads, 0, "intra-op threads, 0 = all cores");

namespace gan {
namespace {

// Labels for `n` images: --label, or uniform over the classes; undefined if unconditional.
absl::StatusOr<torch::Tensor> Labels(int64_t n, int64_t num_classes) {
  if (num_classes == 0) return torch::Tensor();
  const int64_t label = absl::GetFlag(FLAGS_label);
  if (label >= num_classes) {
    return absl::InvalidArgumentError(
        absl::StrCat("--label=", label, " but the generator has ", num_classes, " classes"));
  }
  return label >= 0 ? torch::full({n}, label, torch::kLong) : torch::randint(num_classes, {n}, torch::kLong);
}

// Latents and labels of the requested layout, and the grid's columns.
struct Layout {
  torch::Tensor z, labels;
  int64_t columns;
};

// `truncation`: the threshold for z (0 = none).
absl::StatusOr<Layout> MakeLayout(const std::string& mode, const GeneratorModule& g,
                                  double truncation) {
  const int64_t n = absl::GetFlag(FLAGS_n), columns = absl::GetFlag(FLAGS_columns);
  const int64_t latent = g.latent_dim(), classes = g.num_classes();
  if (n < 1 || columns < 1) return absl::InvalidArgumentError("--n and --columns must be >= 1");
  Layout layout;
  if (mode == "grid" || mode == "images") {
    layout.z = TruncatedNormal({n, latent}, truncation);
    GAN_ASSIGN_OR_RETURN(layout.labels, Labels(n, classes));
    layout.columns = columns;
  } else if (mode == "classes") {
    if (classes == 0) {
      return absl::InvalidArgumentError("--mode=classes needs a class-conditional generator");
    }
    layout.z = TruncatedNormal({columns, latent}, truncation).repeat({classes, 1});
    layout.labels = torch::arange(classes, torch::kLong).repeat_interleave(columns);
    layout.columns = columns;
  } else if (mode == "interpolate") {
    const int64_t steps = absl::GetFlag(FLAGS_steps);
    if (steps < 2) return absl::InvalidArgumentError("--steps must be >= 2");
    const int64_t rows = std::max<int64_t>(1, n / steps);
    GAN_ASSIGN_OR_RETURN(const Interpolation kind,
                         ParseInterpolation(absl::GetFlag(FLAGS_interpolation)));
    const torch::Tensor from = TruncatedNormal({rows, latent}, truncation);
    const torch::Tensor to = TruncatedNormal({rows, latent}, truncation);
    layout.z = InterpolateLatents(from, to, steps, kind);
    GAN_ASSIGN_OR_RETURN(torch::Tensor row_labels, Labels(rows, classes));
    if (row_labels.defined()) layout.labels = row_labels.repeat_interleave(steps);
    layout.columns = steps;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "--mode='", mode, "' is not one of: grid, images, classes, interpolate"));
  }
  return layout;
}

torch::Tensor Generate(GeneratorModule& g, const Layout& layout) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> parts;
  constexpr int64_t kBatch = 64;
  for (int64_t start = 0; start < layout.z.size(0); start += kBatch) {
    const int64_t end = std::min(start + kBatch, layout.z.size(0));
    const torch::Tensor labels =
        layout.labels.defined() ? layout.labels.slice(0, start, end) : torch::Tensor();
    parts.push_back(g.forward(layout.z.slice(0, start, end), labels));
  }
  return torch::cat(parts);
}

absl::Status Run() {
  SetThreadCount(static_cast<int>(absl::GetFlag(FLAGS_threads)));
  const std::string run_dir = ResolveUserPath(absl::GetFlag(FLAGS_run_dir));
  if (absl::GetFlag(FLAGS_run_dir).empty()) {
    return absl::InvalidArgumentError("--run_dir is required (the directory a training run wrote)");
  }
  const std::string checkpoint = ResolveUserPath(absl::GetFlag(FLAGS_checkpoint));
  GAN_ASSIGN_OR_RETURN(const RunGenerator run,
                       LoadRunGenerator(run_dir, checkpoint, absl::GetFlag(FLAGS_ema)));
  const Generator& g = run.generator;
  g->train(absl::GetFlag(FLAGS_batch_statistics));

  // Generators with an intermediate latent space (StyleGAN's w) truncate there, around
  // its running mean, and z stays normal; the others truncate z.
  const double truncation = absl::GetFlag(FLAGS_truncation);
  const bool intermediate = truncation > 0 && g->SetIntermediateTruncation(truncation);
  const double z_truncation = intermediate ? 0.0 : truncation;

  torch::manual_seed(static_cast<uint64_t>(absl::GetFlag(FLAGS_seed)));
  const std::string mode = absl::GetFlag(FLAGS_mode);
  GAN_ASSIGN_OR_RETURN(const Layout layout, MakeLayout(mode, *g, z_truncation));
  const torch::Tensor images = Generate(*g, layout);

  std::string out = absl::GetFlag(FLAGS_out);
  out = out.empty() ? absl::StrCat(run_dir, "/samples/sample_", mode, mode == "images" ? "" : ".png")
                    : ResolveUserPath(out);
  if (mode == "images") {
    GAN_RETURN_IF_ERROR(MakeDirectories(out));
    for (int64_t i = 0; i < images.size(0); ++i) {
      GAN_RETURN_IF_ERROR(WritePng(MakeImageGrid(images.slice(0, i, i + 1), 1, 0),
                                   absl::StrFormat("%s/image_%05d.png", out, i)));
    }
  } else {
    GAN_RETURN_IF_ERROR(SaveImageGrid(images, layout.columns, out));
  }
  const std::string truncation_text =
      truncation <= 0 ? "off" : absl::StrCat(truncation, intermediate ? " (psi in w)" : " (z)");
  std::printf("wrote %lld images (%s) to %s from %s, %s weights, truncation %s\n",
              static_cast<long long>(images.size(0)), mode.c_str(), out.c_str(),
              run.checkpoint.c_str(), run.moving_average ? "moving-average" : "trained",
              truncation_text.c_str());
  return absl::OkStatus();
}

}  // namespace
}  // namespace gan

int main(int argc, char** argv) {
  return gan::RunTool(argc, argv,
                      "Writes samples of a trained run: a grid, separate images, one row per class, or "
                      "interpolations between latents; see --mode.",
                      gan::Run);
}
