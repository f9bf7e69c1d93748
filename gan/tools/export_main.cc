// `export`: a trained run's generator as a file that runs without this toolkit.
//
//   bazel run //gan/tools:export -- --run_dir=runs/stylegan2 --out=generator.pt
//   bazel run //gan/tools:export -- --run_dir=runs/biggan --format=state_dict --out=g.pt
//
// torchscript: a self-contained TorchScript module (gan/export/torchscript_generator.h)
// for torch::jit::load in C++ and torch.jit.load in Python. state_dict: G's parameters
// and buffers under their names, as a dict that Python's torch.load reads, and beside it
// <out>.json: the architecture (the run's model section and what the network reports).
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>
#include <torch/script.h>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "gan/core/atomic_file.h"
#include "gan/core/exception_message.h"
#include "gan/core/run_directory.h"
#include "gan/core/runtime.h"
#include "gan/core/status_macros.h"
#include "gan/core/tool_main.h"
#include "gan/run/run_generator.h"
#include "gan/export/state_dict.h"
#include "gan/export/torchscript_generator.h"
#include "gan/networks/style_based_generator.h"

ABSL_FLAG(std::string, run_dir, "", "run directory of an experiment (config.json, checkpoints/)");
ABSL_FLAG(std::string, checkpoint, "", "checkpoint file (default: the newest in --run_dir)");
ABSL_FLAG(bool, ema, true, "export the moving-average generator when the checkpoint has one");
ABSL_FLAG(std::string, out, "", "the file to write (required)");
ABSL_FLAG(std::string, format, "torchscript",
          "torchscript (a module for torch::jit::load / torch.jit.load) | state_dict (a dict "
          "of G's tensors for torch.load, and <out>.json with the architecture)");
ABSL_FLAG(int64_t, chunk, 64,
          "torchscript: the batch size G is traced at; the module takes any batch, in chunks "
          "of this many (the last zero-padded); smaller chunks waste less on small batches but "
          "run slower (benchmarks/README.md)");
ABSL_FLAG(std::string, device, "cpu",
          "torchscript: the device to trace on, which the module's random draws (StyleGAN's "
          "noise) keep: cpu, cuda, cuda:N");

namespace gan {
namespace {

absl::Status WriteStateDict(const RunGenerator& run, const std::string& out) {
  GeneratorModule& g = *run.generator;
  const std::vector<char> bytes = PickledStateDict(g);
  nlohmann::json architecture = {
      {"model", run.config.model.settings},
      {"latent_dim", g.latent_dim()},
      {"num_classes", g.num_classes()},
      {"image_size", g.image_size()},
      {"image_channels", g.image_channels()},
      {"latent_distribution", "standard normal"},
      {"images", "[N, image_channels, image_size, image_size] in [-1, 1]"},
      {"checkpoint", run.checkpoint},
      {"moving_average", run.moving_average}};
  if (auto* style_based = g.style_based()) {
    architecture["num_ws"] = style_based->num_ws();
    architecture["w_dim"] = style_based->w_dim();
  }
  GAN_RETURN_IF_ERROR(WriteFileAtomically(out, std::string(bytes.begin(), bytes.end())));
  return WriteFileAtomically(out + ".json", architecture.dump(2) + "\n");
}

absl::Status WriteTorchScript(const RunGenerator& run, const std::string& out) {
  GAN_ASSIGN_OR_RETURN(const torch::Device device, ParseDevice(absl::GetFlag(FLAGS_device)));
  run.generator->to(device);
  GAN_ASSIGN_OR_RETURN(torch::jit::Module module,
                       TraceGenerator(*run.generator, {absl::GetFlag(FLAGS_chunk)}));
  return WriteAtomically(out, [&](const std::string& temporary) {
    try {
      module.save(temporary);
    } catch (const std::exception& e) {
      return absl::InternalError(absl::StrCat("writing ", temporary, ": ", ExceptionMessage(e)));
    }
    return absl::OkStatus();
  });
}

absl::Status Run() {
  if (absl::GetFlag(FLAGS_run_dir).empty()) {
    return absl::InvalidArgumentError("--run_dir is required (the directory a training run wrote)");
  }
  if (absl::GetFlag(FLAGS_out).empty()) {
    return absl::InvalidArgumentError("--out is required (the file to write)");
  }
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format != "torchscript" && format != "state_dict") {
    return absl::InvalidArgumentError(
        absl::StrCat("--format='", format, "' is not one of: torchscript, state_dict"));
  }
  const std::string run_dir = ResolveUserPath(absl::GetFlag(FLAGS_run_dir));
  const std::string out = ResolveUserPath(absl::GetFlag(FLAGS_out));
  const std::string checkpoint = ResolveUserPath(absl::GetFlag(FLAGS_checkpoint));
  GAN_ASSIGN_OR_RETURN(const RunGenerator run,
                       LoadRunGenerator(run_dir, checkpoint, absl::GetFlag(FLAGS_ema)));
  GAN_RETURN_IF_ERROR(format == "torchscript" ? WriteTorchScript(run, out)
                                              : WriteStateDict(run, out));
  std::printf("wrote %s (%s) from %s, %s weights\n", out.c_str(), format.c_str(),
              run.checkpoint.c_str(), run.moving_average ? "moving-average" : "trained");
  return absl::OkStatus();
}

}  // namespace
}  // namespace gan

int main(int argc, char** argv) {
  return gan::RunTool(argc, argv,
                      "Writes a trained run's generator as a TorchScript module or a state dict "
                      "with its architecture; see --format.",
                      gan::Run);
}
