// `project`: the styles that make a StyleGAN-family generator reproduce an image
// (gan/inference/projector.h), and a grid of the steps: the target, then the generator's
// image every --record_every steps.
//
//   bazel run //gan/tools:project -- --run_dir=runs/stylegan2_fashion_mnist --target_seed=3
//   bazel run //gan/tools:project -- --generator=generator.pt --target=shoe.png --w_plus
//
// --target_seed=N projects the generator's own image of latent seed N (noise off), which it
// can reproduce exactly: a test of the projection. --target=FILE projects a PNG or JPEG of
// the generator's image size.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "gan/core/image_grid.h"
#include "gan/core/run_directory.h"
#include "gan/core/runtime.h"
#include "gan/core/status_macros.h"
#include "gan/core/tool_main.h"
#include "gan/data/image_file.h"
#include "gan/run/run_inference_generator.h"
#include "gan/inference/generator.h"
#include "gan/inference/projector.h"
#include "gan/metrics/fashion_classifier.h"

ABSL_FLAG(std::string, generator, "",
          "a generator written by `export`, best with --chunk=1: every step synthesizes one "
          "image, padded to the module's chunk (or give --run_dir)");
ABSL_FLAG(std::string, run_dir, "", "run directory of a StyleGAN or StyleGAN2 experiment");
ABSL_FLAG(std::string, checkpoint, "", "with --run_dir: checkpoint file (default: the newest)");
ABSL_FLAG(bool, ema, true, "with --run_dir: the moving-average generator when there is one");
ABSL_FLAG(std::string, target, "", "the image to project (PNG or JPEG)");
ABSL_FLAG(int64_t, target_seed, -1, "project the generator's image of this latent seed instead");
ABSL_FLAG(int64_t, steps, 1000, "optimization steps");
ABSL_FLAG(bool, w_plus, false, "one w per synthesis input (W+) instead of one for all (W)");
ABSL_FLAG(double, learning_rate, 0.1, "Adam's initial learning rate");
ABSL_FLAG(int64_t, average_samples, 10000, "latents mapped for the mean and spread of w");
ABSL_FLAG(std::string, features, "none",
          "feature loss beside the pixel loss: none | fmnist-classifier (the project's "
          "Fashion-MNIST classifier)");
ABSL_FLAG(double, feature_weight, 1.0, "the feature loss's weight (with --features)");
ABSL_FLAG(int64_t, record_every, 0, "steps between the grid's images (0: steps / 7)");
ABSL_FLAG(std::string, out, "", "the grid PNG (default <run_dir or .>/projection.png)");
ABSL_FLAG(int64_t, seed, 0, "random seed of the projection (the mean of w, its noise)");
ABSL_FLAG(int64_t, threads, 0, "intra-op threads, 0 = all cores");

namespace gan {
namespace {

absl::StatusOr<InferenceGenerator> LoadGenerator() {
  const std::string file = absl::GetFlag(FLAGS_generator), run_dir = absl::GetFlag(FLAGS_run_dir);
  if (file.empty() == run_dir.empty()) {
    return absl::InvalidArgumentError("give one of --generator (an exported file) or --run_dir");
  }
  if (!file.empty()) return InferenceGenerator::Load(ResolveUserPath(file));
  const std::string checkpoint = ResolveUserPath(absl::GetFlag(FLAGS_checkpoint));
  return LoadRunInferenceGenerator(ResolveUserPath(run_dir), checkpoint, absl::GetFlag(FLAGS_ema),
                                   /*chunk=*/1, torch::kCPU);
}

// [C, H, W] in [-1, 1].
absl::StatusOr<torch::Tensor> LoadTarget(const InferenceGenerator& g) {
  const int64_t seed = absl::GetFlag(FLAGS_target_seed);
  const std::string file = absl::GetFlag(FLAGS_target);
  if ((seed >= 0) == !file.empty()) {
    return absl::InvalidArgumentError("give one of --target (an image file) or --target_seed");
  }
  if (seed >= 0) {
    torch::NoGradGuard no_grad;
    GAN_ASSIGN_OR_RETURN(const torch::Tensor ws,
                         g.Styles(g.LatentsFromSeeds({static_cast<uint64_t>(seed)})));
    GAN_ASSIGN_OR_RETURN(const torch::Tensor image, g.Synthesize(ws, /*noise=*/false));
    return image.squeeze(0).cpu();
  }
  GAN_ASSIGN_OR_RETURN(const torch::Tensor pixels,
                       ReadImageFile(ResolveUserPath(file), static_cast<int>(g.image_channels())));
  return pixels.to(torch::kFloat) / 127.5 - 1;
}

absl::Status Run() {
  SetThreadCount(static_cast<int>(absl::GetFlag(FLAGS_threads)));
  GAN_ASSIGN_OR_RETURN(const InferenceGenerator g, LoadGenerator());
  GAN_ASSIGN_OR_RETURN(const torch::Tensor target, LoadTarget(g));

  ProjectorOptions options;
  options.steps = absl::GetFlag(FLAGS_steps);
  options.w_plus = absl::GetFlag(FLAGS_w_plus);
  options.learning_rate = absl::GetFlag(FLAGS_learning_rate);
  options.average_samples = absl::GetFlag(FLAGS_average_samples);
  options.seed = static_cast<uint64_t>(absl::GetFlag(FLAGS_seed));
  options.record_every = absl::GetFlag(FLAGS_record_every) > 0
                             ? absl::GetFlag(FLAGS_record_every)
                             : std::max<int64_t>(1, options.steps / 7);
  ImageFeatures features;
  std::shared_ptr<FashionClassifierExtractor> classifier;
  const std::string feature_name = absl::GetFlag(FLAGS_features);
  if (feature_name == "fmnist-classifier") {
    GAN_ASSIGN_OR_RETURN(classifier, FashionClassifierExtractor::LoadDefault());
    features = [classifier](const torch::Tensor& images) {
      return classifier->DifferentiableFeatures(images);
    };
    options.feature_weight = absl::GetFlag(FLAGS_feature_weight);
  } else if (feature_name != "none") {
    return absl::InvalidArgumentError(
        absl::StrCat("--features='", feature_name, "' is not one of: none, fmnist-classifier"));
  }
  GAN_ASSIGN_OR_RETURN(const Projection projection, ProjectImage(g, target, options, features));

  std::vector<torch::Tensor> frames = {target};
  frames.insert(frames.end(), projection.steps.begin(), projection.steps.end());
  std::string out = absl::GetFlag(FLAGS_out);
  const std::string run_dir = absl::GetFlag(FLAGS_run_dir);
  out = !out.empty()        ? ResolveUserPath(out)
        : !run_dir.empty() ? ResolveUserPath(run_dir) + "/projection.png"
                           : ResolveUserPath("projection.png");
  GAN_RETURN_IF_ERROR(SaveImageGrid(torch::stack(frames), static_cast<int64_t>(frames.size()), out));
  std::string recorded;
  for (const int64_t step : projection.recorded_at) absl::StrAppend(&recorded, " ", step);
  std::printf("projected in %s: PSNR %.2f dB after %lld steps; %s holds the target, then the "
              "steps%s\n",
              options.w_plus ? "W+" : "W", projection.psnr, static_cast<long long>(options.steps),
              out.c_str(), recorded.c_str());
  return absl::OkStatus();
}

}  // namespace
}  // namespace gan

int main(int argc, char** argv) {
  return gan::RunTool(argc, argv,
                      "Finds the styles that make a StyleGAN-family generator reproduce an image, "
                      "and writes a grid of the steps.",
                      gan::Run);
}
