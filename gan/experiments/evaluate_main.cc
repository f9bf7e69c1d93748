// `evaluate`: every metric of gan/metrics for a run's checkpoint (or a folder of images)
// against a data set split; prints them, names the feature space, and writes JSON with
// the metrics and the full protocol.
//
//   bazel run //gan/experiments:evaluate -- --run_dir=runs/dcgan_fashion_mnist
//   bazel run //gan/experiments:evaluate -- --images=fakes/ --dataset=fashion_mnist --pad=2
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "gan/checkpoint/checkpoint.h"
#include "gan/core/atomic_file.h"
#include "gan/core/file_hash.h"
#include "gan/core/run_directory.h"
#include "gan/core/runtime.h"
#include "gan/core/status_macros.h"
#include "gan/core/tool_main.h"
#include "gan/data/image_folder.h"
#include "gan/experiments/evaluation_setup.h"
#include "gan/experiments/run_generator.h"

ABSL_FLAG(std::string, run_dir, "", "run directory of an experiment (config.json, checkpoints/)");
ABSL_FLAG(std::string, checkpoint, "", "checkpoint file (default: the newest in --run_dir)");
ABSL_FLAG(bool, all_checkpoints, false,
          "with --run_dir: evaluate every checkpoint of the run, oldest first (IS "
          "per checkpoint, as training curves are plotted), one JSON per checkpoint and one summary line each");
ABSL_FLAG(std::string, images, "", "a folder of PNG/JPEG images to evaluate instead of a run");
ABSL_FLAG(std::string, fake_split, "",
          "evaluate this split of the reference dataset instead of generated images (the "
          "real-vs-real baseline, e.g. test against train)");
ABSL_FLAG(std::string, dataset, "", "reference dataset (default: the run's data.dataset)");
ABSL_FLAG(std::string, data_dir, "", "reference data directory (default: the run's data.dir)");
ABSL_FLAG(std::optional<int64_t>, pad, std::nullopt,
          "pixels of padding for the real images (default: the run's data.pad)");
ABSL_FLAG(std::string, split, "train", "reference split");
ABSL_FLAG(std::optional<int64_t>, max_examples, std::nullopt,
          "reference images kept, the first ones (default: the run's data.max_examples; 0 = all, "
          "e.g. the whole split for a run trained on part of it)");
ABSL_FLAG(std::string, extractor, "auto",
          "auto | fmnist-classifier | inception-v3:<state dict> | torchscript:<file>");
ABSL_FLAG(std::string, resize, "pytorch", "inception-v3 resize to 299: pytorch | tf1");
ABSL_FLAG(int64_t, num_fake, 10000, "generated images to evaluate");
ABSL_FLAG(int64_t, batch_size, 100, "images per batch");
ABSL_FLAG(int64_t, is_splits, 10, "Inception Score splits");
ABSL_FLAG(int64_t, kid_subsets, 100, "KID subsets");
ABSL_FLAG(int64_t, kid_subset_size, 1000, "KID subset size");
ABSL_FLAG(int64_t, seed, 0, "seed of the latents, labels and subsets");
ABSL_FLAG(bool, ema, true, "use the moving-average generator when the checkpoint has one");
ABSL_FLAG(bool, batch_statistics, false, "G's BatchNorm with batch statistics (train mode)");
ABSL_FLAG(double, truncation, 0.0, "truncated latents beyond +-T (0 = off)");
ABSL_FLAG(std::string, cache_dir, "",
          "reference feature cache (default ~/.cache/gan-toolkit/reference-features)");
ABSL_FLAG(std::string, out, "", "JSON output (default <run_dir>/metrics/<checkpoint>.json, or "
                                "metrics.json beside --images)");
ABSL_FLAG(int64_t, threads, 0, "intra-op threads, 0 = all cores");
ABSL_FLAG(std::string, device, "cpu", "cpu, cuda or cuda:N");

namespace gan {
namespace {

EvaluationOptions OptionsFromFlags() {
  EvaluationOptions options;
  options.num_fake = absl::GetFlag(FLAGS_num_fake);
  options.batch_size = absl::GetFlag(FLAGS_batch_size);
  options.is_splits = absl::GetFlag(FLAGS_is_splits);
  options.kid_subsets = absl::GetFlag(FLAGS_kid_subsets);
  options.kid_subset_size = absl::GetFlag(FLAGS_kid_subset_size);
  options.seed = static_cast<uint64_t>(absl::GetFlag(FLAGS_seed));
  options.batch_statistics = absl::GetFlag(FLAGS_batch_statistics);
  options.truncation = absl::GetFlag(FLAGS_truncation);
  return options;
}

absl::Status Run() {
  SetThreadCount(static_cast<int>(absl::GetFlag(FLAGS_threads)));
  GAN_ASSIGN_OR_RETURN(const torch::Device device, ParseDevice(absl::GetFlag(FLAGS_device)));
  const std::string run_dir = ResolveUserPath(absl::GetFlag(FLAGS_run_dir));
  const std::string images_dir = ResolveUserPath(absl::GetFlag(FLAGS_images));
  const std::string fake_split = absl::GetFlag(FLAGS_fake_split);
  if (!run_dir.empty() + !images_dir.empty() + !fake_split.empty() != 1) {
    return absl::InvalidArgumentError("give exactly one of --run_dir, --images and --fake_split");
  }
  EvaluationOptions options = OptionsFromFlags();
  DataOptions data;
  FakeImages fakes;
  int64_t num_classes = 0;
  nlohmann::json source;
  ImageDataset stored;
  if (!run_dir.empty()) {
    const std::string checkpoint = ResolveUserPath(absl::GetFlag(FLAGS_checkpoint));
    GAN_ASSIGN_OR_RETURN(RunGenerator run, LoadRunGenerator(run_dir, checkpoint, absl::GetFlag(FLAGS_ema)));
    data = run.config.data;
    run.generator->to(device);
    num_classes = run.generator->num_classes();
    fakes = GeneratorImages(run.generator, options, device);
    source = {{"run_dir", run_dir},
              {"checkpoint", run.checkpoint},
              {"weights", run.moving_average ? "moving average (EMA) of G" : "trained G"}};
  } else if (!images_dir.empty()) {
    ImageFolderOptions folder_options;
    GAN_ASSIGN_OR_RETURN(stored, LoadImageFolder(images_dir, folder_options));
    if (stored.size() < options.num_fake) options.num_fake = stored.size();
    fakes = StoredImages(stored);
    source = {{"images", images_dir}, {"count", stored.size()}};
  }
  if (!absl::GetFlag(FLAGS_dataset).empty()) data.dataset = absl::GetFlag(FLAGS_dataset);
  if (!absl::GetFlag(FLAGS_data_dir).empty()) data.dir = ResolveUserPath(absl::GetFlag(FLAGS_data_dir));
  if (absl::GetFlag(FLAGS_pad).has_value()) data.pad = *absl::GetFlag(FLAGS_pad);
  if (absl::GetFlag(FLAGS_max_examples).has_value()) {
    data.max_examples = *absl::GetFlag(FLAGS_max_examples);
    if (data.max_examples < 0) {
      return absl::InvalidArgumentError(absl::StrCat("--max_examples must not be negative, got ",
                                                     data.max_examples));
    }
  }
  const std::string split = absl::GetFlag(FLAGS_split);
  if (!fake_split.empty()) {
    DataOptions fake_data = data;
    fake_data.split = fake_split;
    fake_data.random_flip = false;
    GAN_ASSIGN_OR_RETURN(stored, LoadDataset(fake_data));
    if (stored.size() < options.num_fake) options.num_fake = stored.size();
    fakes = ImagesInOrder(DatasetImages(stored, MakeTransforms(fake_data)));
    source = {{"real_split_as_fakes", fake_split}, {"count", stored.size()}};
  }

  GAN_ASSIGN_OR_RETURN(EvaluationSetup setup,
                       PrepareEvaluation(data, split, absl::GetFlag(FLAGS_extractor),
                                         absl::GetFlag(FLAGS_resize),
                                         ResolveUserPath(absl::GetFlag(FLAGS_cache_dir)), options,
                                         device));
  // Evaluates `images`, writes the JSON next to the run's checkpoints (or as --out) and
  // prints the summary.
  auto evaluate = [&](const FakeImages& images, nlohmann::json from) -> absl::Status {
    GAN_ASSIGN_OR_RETURN(nlohmann::json result,
                         Evaluate(images, num_classes, *setup.extractor, setup.reference, options));
    result["source"] = from;
    const std::string spec = absl::GetFlag(FLAGS_extractor);
    if (spec.find(':') != std::string::npos) {
      // Weights given by the user: record exactly which file it was.
      const std::string weights = spec.substr(spec.find(':') + 1);
      GAN_ASSIGN_OR_RETURN(const std::string hash, FileHash(weights));
      result["protocol"]["extractor_weights"] = {{"file", weights}, {"hash", hash}};
    }
    std::string out = ResolveUserPath(absl::GetFlag(FLAGS_out));
    if (out.empty() || absl::GetFlag(FLAGS_all_checkpoints)) {
      if (from.contains("checkpoint")) {
        const std::string checkpoint = from["checkpoint"];
        const std::string name = checkpoint.substr(checkpoint.rfind('/') + 1);
        GAN_RETURN_IF_ERROR(MakeDirectories(run_dir + "/metrics"));
        out = absl::StrCat(run_dir, "/metrics/", name.substr(0, name.rfind('.')), "_", split, ".json");
      } else {
        out = ResolveUserPath(images_dir.empty()
                                  ? absl::StrCat("metrics_", fake_split, "_vs_", split, ".json")
                                  : images_dir + "/metrics.json");
      }
    }
    GAN_RETURN_IF_ERROR(WriteFileAtomically(out, result.dump(2) + "\n"));
    std::printf("%s%s\n(n_fake %lld vs %lld real images of %s %s; written to %s)\n",
                from.contains("checkpoint") ? absl::StrCat(from["checkpoint"].get<std::string>(), ": ").c_str() : "",
                DescribeMetrics(result).c_str(), static_cast<long long>(options.num_fake),
                static_cast<long long>(setup.reference.statistics.count()), data.dataset.c_str(),
                split.c_str(), out.c_str());
    std::fflush(stdout);
    return absl::OkStatus();
  };
  if (!absl::GetFlag(FLAGS_all_checkpoints)) return evaluate(fakes, source);
  if (run_dir.empty()) return absl::InvalidArgumentError("--all_checkpoints needs --run_dir");
  for (const auto& [iteration, path] : ListCheckpoints(run_dir + "/checkpoints")) {
    GAN_ASSIGN_OR_RETURN(RunGenerator run, LoadRunGenerator(run_dir, path, absl::GetFlag(FLAGS_ema)));
    run.generator->to(device);
    GAN_RETURN_IF_ERROR(evaluate(GeneratorImages(run.generator, options, device),
                                 {{"run_dir", run_dir},
                                  {"checkpoint", path},
                                  {"iteration", iteration},
                                  {"weights", run.moving_average ? "moving average (EMA) of G"
                                                                 : "trained G"}}));
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace gan

int main(int argc, char** argv) {
  return gan::RunTool(argc, argv,
                      "Computes FID, IS, KID, precision/recall, density/coverage (and intra-class FID "
                      "for conditional generators) of a run's checkpoint or a folder of images.",
                      gan::Run);
}
