// `evaluate`: every metric of gan/metrics for a run's checkpoint (or a folder of images)
// against a data set split; prints them, names the feature space, and writes JSON with
// the metrics and the full protocol.
//
//   bazel run //gan/tools:evaluate -- --run_dir=runs/dcgan_fashion_mnist
//   bazel run //gan/tools:evaluate -- --images=fakes/ --dataset=fashion_mnist --pad=2
#include <cstdio>
#include <string>
#include <utility>

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
#include "gan/run/evaluation_setup.h"
#include "gan/run/run_generator.h"

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

// What is evaluated: a run's generator, a folder of images or a split of the data, with
// the reference data it is compared with (the run's data, edited by the flags).
struct FakeSource {
  FakeImages fakes;
  nlohmann::json source;
  DataOptions data;
  int64_t num_classes = 0;
};

absl::Status ApplyDataFlags(DataOptions& data) {
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
  return absl::OkStatus();
}

nlohmann::json RunSource(const std::string& run_dir, const RunGenerator& run) {
  return {{"run_dir", run_dir},
          {"checkpoint", run.checkpoint},
          {"weights", run.moving_average ? "moving average (EMA) of G" : "trained G"}};
}

// The images of --run_dir, --images or --fake_split (exactly one is given); a folder or a
// split with fewer images than options.num_fake lowers it.
absl::StatusOr<FakeSource> LoadFakes(const std::string& run_dir, const std::string& images_dir,
                                     const std::string& fake_split, EvaluationOptions& options,
                                     const torch::Device& device) {
  FakeSource loaded;
  if (!run_dir.empty()) {
    const std::string checkpoint = ResolveUserPath(absl::GetFlag(FLAGS_checkpoint));
    GAN_ASSIGN_OR_RETURN(RunGenerator run, LoadRunGenerator(run_dir, checkpoint, absl::GetFlag(FLAGS_ema)));
    loaded.data = run.config.data;
    run.generator->to(device);
    loaded.num_classes = run.generator->num_classes();
    loaded.fakes = GeneratorImages(run.generator, options, device);
    loaded.source = RunSource(run_dir, run);
  } else if (!images_dir.empty()) {
    GAN_ASSIGN_OR_RETURN(const ImageDataset stored, LoadImageFolder(images_dir, ImageFolderOptions()));
    if (stored.size() < options.num_fake) options.num_fake = stored.size();
    loaded.fakes = StoredImages(stored);
    loaded.source = {{"images", images_dir}, {"count", stored.size()}};
  }
  GAN_RETURN_IF_ERROR(ApplyDataFlags(loaded.data));
  if (!fake_split.empty()) {
    DataOptions fake_data = loaded.data;
    fake_data.split = fake_split;
    fake_data.random_flip = false;
    GAN_ASSIGN_OR_RETURN(const ImageDataset stored, LoadDataset(fake_data));
    if (stored.size() < options.num_fake) options.num_fake = stored.size();
    loaded.fakes = ImagesInOrder(DatasetImages(stored, MakeTransforms(fake_data)));
    loaded.source = {{"real_split_as_fakes", fake_split}, {"count", stored.size()}};
  }
  return loaded;
}

// Evaluates images against the prepared reference, writes the JSON next to the run's
// checkpoints (or as --out) and prints the summary.
class MetricsWriter {
 public:
  MetricsWriter(std::string run_dir, std::string images_dir, std::string fake_split,
                std::string split, const DataOptions& data, int64_t num_classes,
                const EvaluationOptions& options, const EvaluationSetup& setup)
      : run_dir_(std::move(run_dir)), images_dir_(std::move(images_dir)),
        fake_split_(std::move(fake_split)), split_(std::move(split)), data_(data),
        num_classes_(num_classes), options_(options), setup_(setup) {}

  absl::Status Write(const FakeImages& images, const nlohmann::json& from) const {
    GAN_ASSIGN_OR_RETURN(nlohmann::json result,
                         Evaluate(images, num_classes_, *setup_.extractor, setup_.reference, options_));
    result["source"] = from;
    const std::string spec = absl::GetFlag(FLAGS_extractor);
    if (spec.find(':') != std::string::npos) {
      // Weights given by the user: record exactly which file it was.
      const std::string weights = spec.substr(spec.find(':') + 1);
      GAN_ASSIGN_OR_RETURN(const std::string hash, FileHash(weights));
      result["protocol"]["extractor_weights"] = {{"file", weights}, {"hash", hash}};
    }
    GAN_ASSIGN_OR_RETURN(const std::string out, OutputPath(from));
    GAN_RETURN_IF_ERROR(WriteFileAtomically(out, result.dump(2) + "\n"));
    std::printf("%s%s\n(n_fake %lld vs %lld real images of %s %s; written to %s)\n",
                from.contains("checkpoint") ? absl::StrCat(from["checkpoint"].get<std::string>(), ": ").c_str() : "",
                DescribeMetrics(result).c_str(), static_cast<long long>(options_.num_fake),
                static_cast<long long>(setup_.reference.statistics.count()), data_.dataset.c_str(),
                split_.c_str(), out.c_str());
    std::fflush(stdout);
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<std::string> OutputPath(const nlohmann::json& from) const {
    const std::string out = ResolveUserPath(absl::GetFlag(FLAGS_out));
    if (!out.empty() && !absl::GetFlag(FLAGS_all_checkpoints)) return out;
    if (from.contains("checkpoint")) {
      const std::string checkpoint = from["checkpoint"];
      const std::string name = checkpoint.substr(checkpoint.rfind('/') + 1);
      GAN_RETURN_IF_ERROR(MakeDirectories(run_dir_ + "/metrics"));
      return absl::StrCat(run_dir_, "/metrics/", name.substr(0, name.rfind('.')), "_", split_, ".json");
    }
    return ResolveUserPath(images_dir_.empty()
                               ? absl::StrCat("metrics_", fake_split_, "_vs_", split_, ".json")
                               : images_dir_ + "/metrics.json");
  }

  const std::string run_dir_, images_dir_, fake_split_, split_;
  const DataOptions& data_;
  const int64_t num_classes_;
  const EvaluationOptions& options_;
  const EvaluationSetup& setup_;
};

absl::Status Run() {
  SetThreadCount(static_cast<int>(absl::GetFlag(FLAGS_threads)));
  GAN_ASSIGN_OR_RETURN(const torch::Device device, ParseDevice(absl::GetFlag(FLAGS_device)));
  const std::string run_dir = ResolveUserPath(absl::GetFlag(FLAGS_run_dir));
  const std::string images_dir = ResolveUserPath(absl::GetFlag(FLAGS_images));
  const std::string fake_split = absl::GetFlag(FLAGS_fake_split);
  if (!run_dir.empty() + !images_dir.empty() + !fake_split.empty() != 1) {
    return absl::InvalidArgumentError("give exactly one of --run_dir, --images and --fake_split");
  }
  if (absl::GetFlag(FLAGS_all_checkpoints) && run_dir.empty()) {
    return absl::InvalidArgumentError("--all_checkpoints needs --run_dir");
  }
  EvaluationOptions options = OptionsFromFlags();
  GAN_ASSIGN_OR_RETURN(const FakeSource loaded,
                       LoadFakes(run_dir, images_dir, fake_split, options, device));
  const std::string split = absl::GetFlag(FLAGS_split);
  GAN_ASSIGN_OR_RETURN(EvaluationSetup setup,
                       PrepareEvaluation(loaded.data, split, absl::GetFlag(FLAGS_extractor),
                                         absl::GetFlag(FLAGS_resize),
                                         ResolveUserPath(absl::GetFlag(FLAGS_cache_dir)), options,
                                         device));
  const MetricsWriter writer(run_dir, images_dir, fake_split, split, loaded.data,
                             loaded.num_classes, options, setup);
  if (!absl::GetFlag(FLAGS_all_checkpoints)) return writer.Write(loaded.fakes, loaded.source);
  for (const auto& [iteration, path] : ListCheckpoints(run_dir + "/checkpoints")) {
    GAN_ASSIGN_OR_RETURN(RunGenerator run, LoadRunGenerator(run_dir, path, absl::GetFlag(FLAGS_ema)));
    run.generator->to(device);
    nlohmann::json source = RunSource(run_dir, run);
    source["checkpoint"] = path;
    source["iteration"] = iteration;
    GAN_RETURN_IF_ERROR(writer.Write(GeneratorImages(run.generator, options, device), source));
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
