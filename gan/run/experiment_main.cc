#include "gan/run/experiment_main.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/cuda.h>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gan/checkpoint/checkpoint.h"
#include "gan/core/atomic_file.h"
#include "gan/core/command_line.h"
#include "gan/core/config.h"
#include "gan/core/exception_message.h"
#include "gan/core/log.h"
#include "gan/core/repeated_flag.h"
#include "gan/core/run_directory.h"
#include "gan/core/runtime.h"
#include "gan/core/status_macros.h"
#include "gan/core/stop_signal.h"
#include "gan/core/tool_main.h"
#include "gan/data/batch_loader.h"
#include "gan/data/dataset_source.h"
#include "gan/run/evaluation_setup.h"
#include "gan/run/experiment_config.h"
#include "gan/run/local_launcher.h"
#include "gan/run/updater_factory.h"
#include "gan/metrics/evaluation_extension.h"
#include "gan/networks/family.h"
#include "gan/outputs/loss_log_extension.h"
#include "gan/outputs/progress_extension.h"
#include "gan/outputs/run_report.h"
#include "gan/outputs/run_status.h"
#include "gan/outputs/sample_grid_extension.h"
#include "gan/outputs/tensorboard.h"
#include "gan/train/data_parallel.h"
#include "gan/train/trainer.h"

ABSL_FLAG(std::string, config, "",
          "JSON config file to use instead of the one built into this binary");
// Read with RepeatedFlagValues, so that every --set applies (Abseil keeps the last only).
ABSL_FLAG(std::vector<std::string>, set, {},
          "config overrides, comma-separated dotted.key=value (e.g. optim.lr_g=1e-4); may be "
          "repeated, applied in order");
ABSL_FLAG(std::string, out_dir, "",
          "run directory (default runs/<experiment name>, relative to where you ran bazel)");
ABSL_FLAG(bool, resume, false, "continue the run in --out_dir from its newest checkpoint");
ABSL_FLAG(std::string, init_from, "",
          "start a new run from the networks of this checkpoint (a ckpt_*.pt file, or a run "
          "or checkpoints directory: its newest); tensors that do not fit keep their "
          "initialization and are reported (also in init_from.txt)");
ABSL_FLAG(std::string, data_dir, "", "dataset directory (sets data.dir)");
ABSL_FLAG(std::optional<int64_t>, epochs, std::nullopt, "epochs to train (sets train.epochs)");
ABSL_FLAG(std::optional<int64_t>, max_iterations, std::nullopt, "stop after this many iterations (sets train.max_iterations)");
ABSL_FLAG(std::optional<int64_t>, batch_size, std::nullopt, "batch size (sets train.batch_size)");
ABSL_FLAG(std::optional<int64_t>, seed, std::nullopt, "random seed (sets runtime.seed)");
ABSL_FLAG(std::optional<int64_t>, threads, std::nullopt,
          "intra-op threads, 0 = all cores (sets runtime.threads); OpenMP waits passively "
          "unless OMP_WAIT_POLICY is set");
ABSL_FLAG(std::string, device, "", "cpu, cuda or cuda:N (sets runtime.device)");
ABSL_FLAG(bool, print_config, false, "print the resolved config as JSON and exit");
ABSL_FLAG(int, nproc, 1,
          "data-parallel: start this many local ranks (each gets --rank, --world_size, and "
          "its share of the cores unless runtime.threads is set); train.batch_size is the "
          "global batch, split over the ranks");
ABSL_FLAG(int, rank, 0, "data-parallel: this process's rank (0 hosts the rendezvous and writes the run)");
ABSL_FLAG(int, world_size, 1, "data-parallel: number of ranks on all machines");
ABSL_FLAG(std::string, master_addr, "127.0.0.1", "data-parallel: rank 0's address");
ABSL_FLAG(int, master_port, 29500, "data-parallel: rank 0's rendezvous port");
ABSL_FLAG(int, dist_timeout_s, 900,
          "data-parallel: seconds to wait for the other ranks (joining, or in a step while rank 0 "
          "evaluates or checkpoints) before failing");

namespace gan {
namespace {

// Every --set, then the flags that are shorthands for config keys, as override strings.
std::vector<std::string> FlagOverrides(const std::vector<std::string>& set) {
  std::vector<std::string> overrides = set;
  if (!absl::GetFlag(FLAGS_data_dir).empty()) {
    overrides.push_back(absl::StrCat("data.dir=", nlohmann::json(ResolveUserPath(absl::GetFlag(FLAGS_data_dir))).dump()));
  }
  const std::pair<const char*, std::optional<int64_t>> numbers[] = {
      {"train.epochs", absl::GetFlag(FLAGS_epochs)},
      {"train.max_iterations", absl::GetFlag(FLAGS_max_iterations)},
      {"train.batch_size", absl::GetFlag(FLAGS_batch_size)},
      {"runtime.seed", absl::GetFlag(FLAGS_seed)},
      {"runtime.threads", absl::GetFlag(FLAGS_threads)}};
  for (const auto& [key, value] : numbers) {
    if (value.has_value()) overrides.push_back(absl::StrCat(key, "=", *value));
  }
  if (!absl::GetFlag(FLAGS_device).empty()) {
    overrides.push_back(absl::StrCat("runtime.device=", absl::GetFlag(FLAGS_device)));
  }
  return overrides;
}

// The config: the run directory's own (when resuming), else --config, else the built-in
// one; then the overrides.
absl::StatusOr<nlohmann::json> ResolveConfig(const char* embedded, const std::vector<std::string>& set,
                                              const std::string& run_config) {
  nlohmann::json json;
  if (!run_config.empty()) {
    GAN_ASSIGN_OR_RETURN(json, ReadJsonFile(run_config));
    json = TranslateSavedConfig(std::move(json));
  } else if (!absl::GetFlag(FLAGS_config).empty()) {
    GAN_ASSIGN_OR_RETURN(json, ReadJsonFile(ResolveUserPath(absl::GetFlag(FLAGS_config))));
  } else {
    GAN_ASSIGN_OR_RETURN(json, ParseJson(embedded, "built-in config"));
  }
  for (const std::string& assignment : FlagOverrides(set)) {
    GAN_RETURN_IF_ERROR(ApplyOverride(assignment, &json));
  }
  return json;
}

// Conditional networks need labels below num_classes.
absl::Status CheckLabels(const ImageDataset& dataset, int64_t num_classes, const std::string& dir) {
  if (num_classes == 0) return absl::OkStatus();
  if (!dataset.has_labels()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model.num_classes is ", num_classes, " but the data in '", dir, "' has no labels"));
  }
  const int64_t max_label = dataset.labels.max().item<int64_t>();
  if (dataset.labels.min().item<int64_t>() < 0 || max_label >= num_classes) {
    return absl::InvalidArgumentError(absl::StrCat("the data in '", dir, "' has label ", max_label,
                                                   ", outside model.num_classes = ", num_classes));
  }
  return absl::OkStatus();
}

// The run the command line asks for: its config (the run directory's own when resuming)
// and where it writes.
struct RunPlan {
  nlohmann::json json;  // the config in force, as written to the run directory
  ExperimentConfig config;
  std::string out_dir;
  bool resume = false;
};

absl::StatusOr<RunPlan> ResolveRun(const char* embedded, const std::vector<std::string>& set) {
  RunPlan plan;
  // The experiment name is needed for the default run directory, so read it first.
  GAN_ASSIGN_OR_RETURN(plan.json, ResolveConfig(embedded, set, ""));
  GAN_ASSIGN_OR_RETURN(plan.config, ParseExperimentConfig(plan.json));
  plan.out_dir = absl::GetFlag(FLAGS_out_dir);
  plan.out_dir = ResolveUserPath(plan.out_dir.empty() ? "runs/" + plan.config.name : plan.out_dir);
  plan.resume = absl::GetFlag(FLAGS_resume);
  // A new run's saved config says which defaults it trained with.
  if (!plan.resume) plan.json["config_version"] = kConfigVersion;
  if (plan.resume && !absl::GetFlag(FLAGS_init_from).empty()) {
    return absl::InvalidArgumentError(
        "--init_from starts a new run and --resume continues one: pass one of them");
  }
  if (plan.resume) {
    const std::string saved = plan.out_dir + "/config.json";
    if (::access(saved.c_str(), R_OK) != 0) {
      return absl::NotFoundError(absl::StrCat("--resume: '", saved,
                                              "' does not exist; is --out_dir the run to continue?"));
    }
    GAN_ASSIGN_OR_RETURN(plan.json, ResolveConfig(embedded, set, saved));
    GAN_ASSIGN_OR_RETURN(plan.config, ParseExperimentConfig(plan.json));
  }
  return plan;
}

// The data-parallel group this process joins; null for a run of one process.
absl::StatusOr<std::shared_ptr<DataParallel>> JoinGroup(const ExperimentConfig& config) {
  if (absl::GetFlag(FLAGS_world_size) == 1) return std::shared_ptr<DataParallel>();
  DataParallelOptions parallel;
  parallel.rank = absl::GetFlag(FLAGS_rank);
  parallel.world_size = absl::GetFlag(FLAGS_world_size);
  parallel.master_addr = absl::GetFlag(FLAGS_master_addr);
  parallel.master_port = absl::GetFlag(FLAGS_master_port);
  parallel.timeout = std::chrono::seconds(absl::GetFlag(FLAGS_dist_timeout_s));
  if (config.train.batch_size % parallel.world_size != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "train.batch_size ", config.train.batch_size, " (the global batch) does not split over ",
        parallel.world_size, " ranks"));
  }
  GAN_ASSIGN_OR_RETURN(std::unique_ptr<DataParallel> group, DataParallel::Connect(parallel));
  return std::shared_ptr<DataParallel>(std::move(group));
}

// Everything the trainer runs on.
struct Training {
  int threads = 0;
  torch::Device device = torch::kCPU;
  ImageDataset dataset;
  ImageShape shape;
  Networks networks;
  std::string fingerprint;
  std::unique_ptr<Updater> updater;
  std::unique_ptr<BatchLoader> loader;
  int64_t total_iterations = 0;
};

// Data, networks, updater and loader, seeded; every error comes before anything is written.
absl::StatusOr<Training> BuildTraining(const ExperimentConfig& config,
                                       const std::shared_ptr<DataParallel>& group) {
  Training training;
  training.threads = SetThreadCount(config.runtime.threads);
  SeedEverything(static_cast<uint64_t>(config.runtime.seed));
  GAN_ASSIGN_OR_RETURN(training.device, ParseDevice(config.runtime.device));
  if (group) {
    training.device = DeviceForRank(training.device, group->rank(),
                                    static_cast<int>(torch::cuda::device_count()));
  }

  GAN_ASSIGN_OR_RETURN(training.dataset, LoadDataset(config.data));
  const ImageDataset& dataset = training.dataset;
  if (dataset.images.size(2) != dataset.images.size(3) && config.data.resize == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "images are ", dataset.images.size(3), "x", dataset.images.size(2),
        "; the networks need square images: set data.resize"));
  }
  training.shape = {TransformedSize(config.data, dataset.images.size(2)), dataset.images.size(1)};
  GAN_ASSIGN_OR_RETURN(training.networks, config.model.family->Build(training.shape));
  if (config.ema.enabled()) {
    // A whole second pair, of which the EMA keeps G (its weights are copied from G's):
    // building D too keeps its initialization's random draws in the sequence that the
    // recorded runs (testdata/golden_runs.json) drew.
    GAN_ASSIGN_OR_RETURN(Networks shadow, config.model.family->Build(training.shape));
    training.networks.ema_generator = shadow.generator;
  }
  GAN_RETURN_IF_ERROR(CheckLabels(dataset, training.networks.generator->num_classes(),
                                  DataDirectory(config.data)));
  training.fingerprint = ArchitectureFingerprint(config, training.shape);

  const int64_t iteration_images = ImagesPerIteration(config);
  if (dataset.size() < iteration_images) {
    return absl::InvalidArgumentError(absl::StrCat(
        "train.batch_size ", config.train.batch_size,
        iteration_images > config.train.batch_size
            ? absl::StrCat(" x update.accumulation_steps ", iteration_images / config.train.batch_size)
            : "",
        " is larger than the dataset (", dataset.size(), " images in '",
        DataDirectory(config.data), "')"));
  }
  BatchLoaderOptions loader_options;
  loader_options.batch_size = iteration_images / (group ? group->world_size() : 1);
  if (group) {
    loader_options.rank = group->rank();
    loader_options.world_size = group->world_size();
  }
  loader_options.seed = static_cast<uint64_t>(config.runtime.seed);
  loader_options.num_workers = config.runtime.workers;
  training.loader =
      std::make_unique<BatchLoader>(dataset, MakeTransforms(config.data), loader_options);
  training.total_iterations = config.train.max_iterations > 0
                                  ? config.train.max_iterations
                                  : config.train.epochs * training.loader->batches_per_epoch();
  GAN_ASSIGN_OR_RETURN(training.updater, MakeUpdater(config, training.networks, training.device,
                                                     group, training.total_iterations));
  return training;
}

// The extensions every run has: loss log, status, sample grids, metrics (when asked for),
// the report, TensorBoard events, checkpoints and the progress line, in that order.
// Returns the status extension, which writes the run's final state.
absl::StatusOr<RunStatusExtension*> AttachStandardExtensions(Trainer& trainer,
                                                             const ExperimentConfig& config,
                                                             const Training& training,
                                                             const RunDirectory& run,
                                                             const std::string& out_dir) {
  const OutputConfig& out = config.output;
  const Updater& updater = *training.updater;
  SampleGridOptions sample_options;
  sample_options.count = out.samples;
  sample_options.columns = out.sample_columns;
  sample_options.seed = static_cast<uint64_t>(config.runtime.seed) + 1;
  sample_options.batch_statistics = out.sample_batch_statistics;
  const Generator& sampler = updater.sampling_generator();
  if (sampler->num_classes() > 0) {
    // One class per row.
    sample_options.labels =
        torch::arange(out.samples, torch::kLong).div(out.sample_columns, "floor") %
        sampler->num_classes();
  }
  trainer.Add(std::make_unique<LossLogExtension>(run.File("log.jsonl")),
              Trigger::EveryIterations(out.log_every).OrAtEnd().OrAtStop());
  auto status = std::make_unique<RunStatusExtension>(out_dir);
  RunStatusExtension* const status_writer = status.get();
  trainer.Add(std::move(status), Trigger::EveryIterations(out.log_every));
  trainer.Add(std::make_unique<SampleGridExtension>(sampler, run.samples(), sample_options,
                                                    training.device),
              Trigger{out.sample_every, out.sample_every_epochs, true});
  if (out.evaluate_every_epochs > 0 || out.evaluate_every > 0) {
    // Set up (and cache the real features) before the first iteration, so a bad
    // extractor or missing weights stop the run at once.
    EvaluationOptions evaluation;
    evaluation.num_fake = out.evaluate_samples;
    evaluation.seed = static_cast<uint64_t>(config.runtime.seed);
    evaluation.sample_features = std::min<int64_t>(evaluation.sample_features, out.evaluate_samples);
    evaluation.kid_subset_size = std::min<int64_t>(evaluation.kid_subset_size, out.evaluate_samples);
    GAN_ASSIGN_OR_RETURN(EvaluationSetup setup,
                         PrepareEvaluation(config.data, out.evaluate_split, out.evaluate_extractor,
                                           out.evaluate_resize, ResolveUserPath(out.evaluate_cache_dir),
                                           evaluation, training.device));
    EvaluationFiles files{run.File("log.jsonl"), run.File("metrics.jsonl"),
                          run.checkpoints() + "/best.pt", run.checkpoints() + "/best.json"};
    trainer.Add(std::make_unique<EvaluationExtension>(updater, setup.extractor,
                                                      std::move(setup.reference), evaluation,
                                                      files, training.fingerprint, training.device),
                Trigger{out.evaluate_every, out.evaluate_every_epochs, true});
  }
  // After the samples, metrics and log lines of the same iteration, so the page shows them.
  trainer.Add(std::make_unique<RunReportExtension>(out_dir),
              Trigger{out.sample_every, out.sample_every_epochs, true, true});
  GAN_ASSIGN_OR_RETURN(std::unique_ptr<EventFileWriter> events, EventFileWriter::Create(out_dir));
  trainer.Add(std::make_unique<TensorBoardExtension>(std::move(events), run.samples()),
              Trigger::EveryIterations(out.log_every).OrAtEnd().OrAtStop());
  trainer.Add(std::make_unique<CheckpointExtension>(updater, run.checkpoints(),
                                                    out.keep_checkpoints, training.fingerprint),
              Trigger{out.checkpoint_every, out.checkpoint_every_epochs, true, true});
  trainer.Add(std::make_unique<ProgressExtension>(out.progress_seconds),
              Trigger::EveryIterations(1));
  return status_writer;
}

// The checkpoint --init_from names: the file itself, or the newest in a checkpoints
// directory or in a run directory's.
absl::StatusOr<std::string> InitialCheckpoint(const std::string& flag) {
  const std::string path = ResolveUserPath(flag);
  for (const std::string& dir : {path + "/checkpoints", path}) {
    const auto found = ListCheckpoints(dir);
    if (!found.empty()) return found.back().second;
  }
  struct stat file;
  if (::stat(path.c_str(), &file) == 0 && S_ISREG(file.st_mode)) return path;
  return absl::NotFoundError(absl::StrCat("--init_from: '", path,
                                          "' is neither a checkpoint nor a directory with one"));
}

// Takes the networks' weights from --init_from's checkpoint; returns the report of what
// was copied and what did not fit.
absl::StatusOr<std::string> InitializeFromCheckpoint(const std::string& flag,
                                                     const Networks& networks) {
  GAN_ASSIGN_OR_RETURN(const std::string path, InitialCheckpoint(flag));
  GAN_ASSIGN_OR_RETURN(const WeightTransfer transfer,
                       TransferCheckpointWeights(path, *networks.generator,
                                                 *networks.discriminator,
                                                 networks.ema_generator.get()));
  std::string report = absl::StrCat("initialized from ", path, ": ", transfer.copied,
                                    " tensors copied, ", transfer.notes.size(), " notes\n");
  for (const std::string& note : transfer.notes) absl::StrAppend(&report, "  ", note, "\n");
  return report;
}

// Every rank starts from rank 0's weights (resumed ranks already agree; this makes fresh
// runs independent of each rank's initialization).
absl::Status BroadcastWeights(DataParallel& group, const Networks& networks) {
  try {
    group.Broadcast(*networks.generator);
    group.Broadcast(*networks.discriminator);
    if (networks.ema_generator) group.Broadcast(*networks.ema_generator);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("rank ", group.rank(), ": broadcasting rank 0's weights failed: ", ExceptionMessage(e)));
  }
  return absl::OkStatus();
}

// The run directory: created by the writing rank (others only train); a fresh run refuses
// one that has checkpoints.
absl::StatusOr<RunDirectory> OpenRunDirectory(const RunPlan& plan, bool writer) {
  GAN_ASSIGN_OR_RETURN(RunDirectory run,
                       writer ? RunDirectory::Create(plan.out_dir)
                              : absl::StatusOr<RunDirectory>(RunDirectory::At(plan.out_dir)));
  if (writer && !plan.resume && !ListCheckpoints(run.checkpoints()).empty()) {
    return absl::AlreadyExistsError(absl::StrCat(
        "run directory '", plan.out_dir, "' already has checkpoints: pass --resume to continue "
        "it, or choose another --out_dir"));
  }
  return run;
}

// Trains to the end (or a stop signal), records how the run ended in status.json and its
// report, and says what to do next.
absl::Status TrainAndRecord(Trainer& trainer, RunStatusExtension& status, const RunDirectory& run,
                            const RunPlan& plan) {
  const ExperimentConfig& config = plan.config;
  const std::string& out_dir = plan.out_dir;
  InstallStopSignalHandlers();
  const absl::Status trained = trainer.Run();
  // The final state, and the report that shows it (a failure to write either is reported
  // after the training's own outcome).
  const bool stopped = absl::IsCancelled(trained);
  const absl::Status recorded =
      status.Finish(trainer.state(),
                    trained.ok() ? RunState::kFinished
                    : stopped    ? RunState::kStopped
                                 : RunState::kFailed,
                    trained.ok() ? "" : std::string(trained.message()));
  const absl::Status reported = WriteRunReport(out_dir);
  if (stopped) {
    std::fprintf(stderr,
                 "%s. Checkpoint %s written.\nTo continue: the same command with --out_dir=%s "
                 "--resume\n",
                 std::string(trained.message()).c_str(),
                 CheckpointPath(run.checkpoints(), trainer.state().iteration).c_str(),
                 out_dir.c_str());
    return trained;
  }
  GAN_RETURN_IF_ERROR(trained);
  GAN_RETURN_IF_ERROR(recorded);
  GAN_RETURN_IF_ERROR(reported);
  std::fprintf(stderr,
               "Done: %lld iterations. Samples in %s, losses in %s, checkpoints in %s.\n"
               "To train further: add --out_dir=%s --resume --%s=N (N = the new total).\n",
               static_cast<long long>(trainer.state().iteration), run.samples().c_str(),
               run.File("log.jsonl").c_str(), run.checkpoints().c_str(), out_dir.c_str(),
               config.train.max_iterations > 0 ? "max_iterations" : "epochs");
  return absl::OkStatus();
}

absl::Status Run(int argc, char** argv, const char* embedded) {
  GAN_ASSIGN_OR_RETURN(const RunPlan plan, ResolveRun(embedded, RepeatedFlagValues(argc, argv, "set")));
  const ExperimentConfig& config = plan.config;
  if (absl::GetFlag(FLAGS_print_config)) {
    std::printf("%s\n", plan.json.dump(2).c_str());
    return absl::OkStatus();
  }
  const int nproc = absl::GetFlag(FLAGS_nproc);
  if (nproc < 1) return absl::InvalidArgumentError(absl::StrCat("--nproc must be >= 1, got ", nproc));
  if (nproc > 1 && absl::GetFlag(FLAGS_world_size) == 1) {
    const int code = RunLocalRanks(argc, argv, nproc, config.runtime.threads == 0);
    if (code != 0) return absl::InternalError(absl::StrCat("a rank of ", nproc, " failed (exit code ", code, ")"));
    return absl::OkStatus();
  }

  GAN_ASSIGN_OR_RETURN(const std::shared_ptr<DataParallel> group, JoinGroup(config));
  GAN_ASSIGN_OR_RETURN(Training training, BuildTraining(config, group));
  std::string init_report;
  if (!absl::GetFlag(FLAGS_init_from).empty()) {
    GAN_ASSIGN_OR_RETURN(init_report,
                         InitializeFromCheckpoint(absl::GetFlag(FLAGS_init_from), training.networks));
  }
  // Rank 0 (or the only process) writes the run directory; other ranks only train.
  const bool writer = group == nullptr || group->rank() == 0;
  const std::string& out_dir = plan.out_dir;
  GAN_ASSIGN_OR_RETURN(RunDirectory run, OpenRunDirectory(plan, writer));

  Trainer trainer(*training.updater, *training.loader, training.total_iterations);
  if (plan.resume) {
    GAN_ASSIGN_OR_RETURN(std::string used,
                         ResumeFromLatest(run.checkpoints(), *training.updater, trainer.state(),
                                          training.fingerprint, FingerprintMatches));
    LogInfo() << "resumed from " << used << " at iteration " << trainer.state().iteration;
  }
  if (!init_report.empty()) {
    LogInfo() << init_report;
    if (writer) GAN_RETURN_IF_ERROR(WriteFileAtomically(run.File("init_from.txt"), init_report));
  }
  if (group) GAN_RETURN_IF_ERROR(BroadcastWeights(*group, training.networks));
  if (!writer) {
    LogInfo() << config.name << ": rank " << group->rank() << " of " << group->world_size()
              << ", " << training.loader->batches_per_epoch() << " iterations per epoch";
    InstallStopSignalHandlers();
    return trainer.Run();
  }
  // Resumes may extend the schedule (--epochs): the saved config is the one in force.
  GAN_RETURN_IF_ERROR(WriteFileAtomically(run.File("config.json"), plan.json.dump(2) + "\n"));
  GAN_RETURN_IF_ERROR(WriteFileAtomically(run.File(plan.resume ? "command_resume.txt" : "command.txt"),
                                          CommandLine(argc, argv) + "\n"));
  GAN_ASSIGN_OR_RETURN(RunStatusExtension* const status,
                       AttachStandardExtensions(trainer, config, training, run, out_dir));

  LogInfo() << config.name << ": " << training.dataset.size() << " images of "
            << training.shape.channels << "x" << training.shape.size << "x" << training.shape.size
            << " from '" << DataDirectory(config.data) << "', "
            << training.loader->batches_per_epoch() << " iterations per epoch, "
            << training.total_iterations << " in all, " << training.threads << " threads on "
            << training.device << "; writing to " << out_dir;
  return TrainAndRecord(trainer, *status, run, plan);
}

}  // namespace

int ExperimentMain(int argc, char** argv, const char* embedded_config) {
  const int code = RunTool(argc, argv,
                           "Trains one GAN experiment. The config built into this binary can be "
                           "replaced with --config=FILE and edited with --set=key=value; see "
                           "README.md.",
                           [&] { return Run(argc, argv, embedded_config); });
  // Stopped by a signal: the shell convention 128 + signal, after the checkpoint.
  return code != 0 && StopSignal() != 0 ? 128 + StopSignal() : code;
}

}  // namespace gan
