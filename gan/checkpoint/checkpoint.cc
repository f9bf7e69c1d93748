#include "gan/checkpoint/checkpoint.h"

#include <dirent.h>

#include <algorithm>
#include <cstdio>
#include <mutex>

#include <ATen/CPUGeneratorImpl.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "gan/checkpoint/archive_check.h"
#include "gan/core/strict_load.h"
#include "gan/core/archive_file.h"
#include "gan/core/atomic_file.h"
#include "gan/core/log.h"
#include "gan/core/status_macros.h"

namespace gan {
namespace {

constexpr char kFormat[] = "gan-toolkit-checkpoint-v1";

torch::Tensor StringTensor(const std::string& text) {
  return torch::from_blob(const_cast<char*>(text.data()), {static_cast<int64_t>(text.size())},
                          torch::kUInt8)
      .clone();
}

std::string ReadString(torch::serialize::InputArchive& archive, const std::string& key) {
  const torch::Tensor bytes = ReadTensorStrictly(archive, key, "checkpoint");
  TORCH_CHECK(bytes.dim() == 1 && bytes.scalar_type() == torch::kUInt8, "checkpoint '", key,
              "' is ", bytes.scalar_type(), bytes.sizes(), ", not a string of bytes");
  const torch::Tensor contiguous = bytes.contiguous();
  return std::string(reinterpret_cast<const char*>(contiguous.data_ptr<uint8_t>()),
                     contiguous.numel());
}

// Opens a checkpoint of this toolkit, or says why it is not one.
absl::Status OpenCheckpoint(const std::string& path, const torch::Device& device,
                            torch::serialize::InputArchive& archive) {
  const absl::Status structure = CheckArchiveStructure(path);
  if (!structure.ok()) return structure;
  try {
    archive.load_from(path, device);
    torch::Tensor format;
    if (!archive.try_read("format", format) || ReadString(archive, "format") != kFormat) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", path, "' is not a checkpoint of this toolkit (", kFormat, ")"));
    }
  } catch (const c10::Error& e) {
    return absl::DataLossError(
        absl::StrCat("cannot load checkpoint '", path, "': ", e.what_without_backtrace()));
  } catch (const std::exception& e) {
    return absl::DataLossError(absl::StrCat("cannot load checkpoint '", path, "': ", e.what()));
  }
  return absl::OkStatus();
}

}  // namespace

std::string CheckpointPath(const std::string& dir, int64_t iteration) {
  return absl::StrFormat("%s/ckpt_%09d.pt", dir, iteration);
}

absl::Status SaveCheckpoint(const std::string& path, const Updater& updater,
                            const TrainingState& state, const std::string& fingerprint) {
  torch::serialize::OutputArchive archive;
  archive.write("format", StringTensor(kFormat));
  archive.write("fingerprint", StringTensor(fingerprint));
  archive.write("iteration", torch::tensor(state.iteration));
  archive.write("epoch", torch::tensor(state.epoch));
  archive.write("batch_in_epoch", torch::tensor(state.batch_in_epoch));
  {
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    archive.write("cpu_rng_state", generator.get_state());
  }
  torch::serialize::OutputArchive updater_archive;
  updater.Save(updater_archive);
  archive.write("updater", updater_archive);
  return WriteArchiveAtomically(path, archive);
}

absl::Status LoadCheckpoint(const std::string& path, Updater& updater, TrainingState& state,
                            const std::string& fingerprint, FingerprintMatcher matches) {
  torch::serialize::InputArchive archive;
  const absl::Status opened = OpenCheckpoint(path, updater.device(), archive);
  if (!opened.ok()) return opened;
  try {
    const std::string saved_fingerprint = ReadString(archive, "fingerprint");
    if (matches != nullptr ? !matches(saved_fingerprint, fingerprint)
                           : saved_fingerprint != fingerprint) {
      return absl::FailedPreconditionError(absl::StrCat(
          "checkpoint '", path, "' was written for a different configuration:\n  saved: ",
          saved_fingerprint, "\n  now:   ", fingerprint));
    }
    torch::serialize::InputArchive updater_archive;
    archive.read("updater", updater_archive);
    updater.Load(updater_archive);
    // set_state wants a CPU byte tensor (the archive was loaded onto the updater's
    // device) and reads numel() bytes from its data pointer.
    const torch::Tensor rng_state =
        ReadTensorStrictly(archive, "cpu_rng_state", "checkpoint").to(torch::kCPU).contiguous();
    {
      at::Generator generator = at::detail::getDefaultCPUGenerator();
      std::lock_guard<std::mutex> lock(generator.mutex());
      generator.set_state(rng_state);
    }
    state.iteration = ReadIntStrictly(archive, "iteration", "checkpoint");
    state.epoch = ReadIntStrictly(archive, "epoch", "checkpoint");
    state.batch_in_epoch = ReadIntStrictly(archive, "batch_in_epoch", "checkpoint");
  } catch (const c10::Error& e) {
    return absl::DataLossError(absl::StrCat("cannot load checkpoint '", path,
                                            "': ", e.what_without_backtrace()));
  } catch (const std::exception& e) {
    return absl::DataLossError(absl::StrCat("cannot load checkpoint '", path, "': ", e.what()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadCheckpointFingerprint(const std::string& path) {
  torch::serialize::InputArchive archive;
  const absl::Status opened = OpenCheckpoint(path, torch::kCPU, archive);
  if (!opened.ok()) return opened;
  try {
    return ReadString(archive, "fingerprint");
  } catch (const c10::Error& e) {
    return absl::DataLossError(absl::StrCat("cannot read the fingerprint of checkpoint '", path,
                                            "': ", e.what_without_backtrace()));
  }
}

absl::StatusOr<bool> LoadCheckpointGenerator(const std::string& path,
                                             torch::nn::Module& generator, bool prefer_average) {
  torch::serialize::InputArchive archive;
  const absl::Status opened = OpenCheckpoint(path, torch::kCPU, archive);
  if (!opened.ok()) return opened;
  try {
    torch::serialize::InputArchive updater, average, weights;
    archive.read("updater", updater);
    // Layout of EmaUpdater::Save and GeneratorEma::Save: generator_ema/shadow.
    const bool use_average = prefer_average && updater.try_read("generator_ema", average);
    if (use_average) {
      average.read("shadow", weights);
    } else {
      updater.read("generator", weights);
    }
    LoadModuleStrictly(generator, weights, "generator");
    return use_average;
  } catch (const c10::Error& e) {
    return absl::DataLossError(absl::StrCat("cannot load the generator of checkpoint '", path,
                                            "': ", e.what_without_backtrace()));
  }
}

absl::StatusOr<WeightTransfer> TransferCheckpointWeights(const std::string& path,
                                                         torch::nn::Module& generator,
                                                         torch::nn::Module& discriminator,
                                                         torch::nn::Module* average) {
  torch::serialize::InputArchive archive;
  GAN_RETURN_IF_ERROR(OpenCheckpoint(path, torch::kCPU, archive));
  WeightTransfer transfer;
  const auto add = [&transfer](WeightTransfer part) {
    transfer.copied += part.copied;
    transfer.notes.insert(transfer.notes.end(), part.notes.begin(), part.notes.end());
  };
  try {
    torch::serialize::InputArchive updater, g, d, moving, shadow;
    archive.read("updater", updater);
    updater.read("generator", g);
    updater.read("discriminator", d);
    add(TransferModuleWeights(generator, g, "generator"));
    add(TransferModuleWeights(discriminator, d, "discriminator"));
    if (average != nullptr) {
      // Layout of EmaUpdater::Save and GeneratorEma::Save: generator_ema/shadow.
      if (updater.try_read("generator_ema", moving)) {
        moving.read("shadow", shadow);
        add(TransferModuleWeights(*average, shadow, "generator moving average"));
      } else {
        transfer.notes.push_back("the checkpoint keeps no moving average of G: it starts as G");
        add(TransferModuleWeights(*average, g, "generator moving average"));
      }
    }
  } catch (const c10::Error& e) {
    return absl::DataLossError(absl::StrCat("cannot take the networks of checkpoint '", path,
                                            "': ", e.what_without_backtrace()));
  }
  return transfer;
}

std::vector<std::pair<int64_t, std::string>> ListCheckpoints(const std::string& dir) {
  std::vector<std::pair<int64_t, std::string>> found;
  DIR* handle = opendir(dir.c_str());
  if (handle == nullptr) return found;
  while (dirent* entry = readdir(handle)) {
    absl::string_view name = entry->d_name;
    int64_t iteration;
    if (absl::ConsumePrefix(&name, "ckpt_") && absl::ConsumeSuffix(&name, ".pt") &&
        absl::SimpleAtoi(name, &iteration)) {
      found.emplace_back(iteration, dir + "/" + entry->d_name);
    }
  }
  closedir(handle);
  std::sort(found.begin(), found.end());
  return found;
}

absl::StatusOr<std::string> ResumeFromLatest(const std::string& dir, Updater& updater,
                                             TrainingState& state,
                                             const std::string& fingerprint,
                                             FingerprintMatcher matches) {
  const auto checkpoints = ListCheckpoints(dir);
  if (checkpoints.empty()) {
    return absl::NotFoundError(absl::StrCat("no checkpoints (ckpt_*.pt) in '", dir, "'"));
  }
  absl::Status last_error;
  for (auto it = checkpoints.rbegin(); it != checkpoints.rend(); ++it) {
    last_error = LoadCheckpoint(it->second, updater, state, fingerprint, matches);
    if (last_error.ok()) return it->second;
    // A configuration mismatch will not go away with an older file of the same run.
    if (last_error.code() == absl::StatusCode::kFailedPrecondition) return last_error;
    LogWarning() << last_error.message() << "; trying an older checkpoint";
  }
  return last_error;
}

absl::Status CheckpointExtension::Run(TrainingState& state) {
  // Weights that went non-finite in this iteration's update must not replace good ones.
  for (const auto& parameter : updater_.generator()->parameters()) {
    if (!torch::isfinite(parameter).all().item<bool>()) {
      return absl::DataLossError(absl::StrCat(
          "not writing a checkpoint at iteration ", state.iteration,
          ": the generator's weights contain NaN or Inf (training diverged); the newest "
          "checkpoint in '", dir_, "' is the last good one"));
    }
  }
  const absl::Status status =
      SaveCheckpoint(CheckpointPath(dir_, state.iteration), updater_, state, fingerprint_);
  if (!status.ok()) return status;
  auto checkpoints = ListCheckpoints(dir_);
  for (size_t i = 0; i + keep_ < checkpoints.size(); ++i) {
    std::remove(checkpoints[i].second.c_str());
  }
  return absl::OkStatus();
}

}  // namespace gan
