#include "gan/export/torchscript_generator.h"

#include <cctype>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <torch/csrc/jit/frontend/tracer.h>
#include <torch/torch.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gan/core/exception_message.h"
#include "gan/networks/style_based_generator.h"

namespace gan {
namespace {

using TracedFunction = std::function<torch::Tensor(const std::vector<torch::Tensor>&)>;

// A TorchScript class name from a C++ module's name ("gan::StyleGan2LayerImpl" ->
// "StyleGan2Layer"), unique within the export: every module gets a type of its own.
std::string ClassName(const std::string& cpp_name, std::map<std::string, int>& used) {
  std::string name = cpp_name.substr(cpp_name.rfind(':') == std::string::npos
                                         ? 0
                                         : cpp_name.rfind(':') + 1);
  if (name.size() > 4 && name.substr(name.size() - 4) == "Impl") name.resize(name.size() - 4);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  const int seen = used[name]++;
  return seen == 0 ? name : absl::StrCat(name, "_", seen);
}

// A TorchScript module with `module`'s parameters, buffers and children under the same
// names, holding the same tensors: what the tracer needs to record attribute reads of
// them instead of baking them into the graph as constants.
torch::jit::Module Mirror(const torch::nn::Module& module,
                          const std::shared_ptr<torch::jit::CompilationUnit>& unit,
                          std::map<std::string, int>& used) {
  torch::jit::Module mirror(
      c10::QualifiedName(absl::StrCat("__torch__.gan.", ClassName(module.name(), used))), unit);
  // Module::train() and Python's nn.Module expect it.
  mirror.register_attribute("training", c10::BoolType::get(), false);
  for (const auto& parameter : module.named_parameters(/*recurse=*/false)) {
    mirror.register_parameter(parameter.key(), parameter.value(), /*is_buffer=*/false);
  }
  for (const auto& buffer : module.named_buffers(/*recurse=*/false)) {
    mirror.register_parameter(buffer.key(), buffer.value(), /*is_buffer=*/true);
  }
  for (const auto& child : module.named_children()) {
    mirror.register_module(child.key(), Mirror(*child.value(), unit, used));
  }
  return mirror;
}

// The exported module's own attributes and methods must not hide G's.
absl::Status CheckNameIsFree(const torch::jit::Module& module, const std::string& name) {
  if (!module.hasattr(name)) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("the generator has a parameter, buffer or module named '", name,
                   "', which the exported module's attribute or method of that name would hide"));
}

// Traces `function` on `inputs` into the method `name` of `module`.
absl::Status AddTracedMethod(torch::jit::Module& module, const std::string& name,
                             const std::vector<torch::Tensor>& inputs,
                             const std::vector<std::string>& input_names,
                             const TracedFunction& function) {
  if (absl::Status free = CheckNameIsFree(module, name); !free.ok()) return free;
  torch::jit::Stack stack(inputs.begin(), inputs.end());
  try {
    auto traced = torch::jit::tracer::trace(
        std::move(stack),
        [&](torch::jit::Stack arguments) -> torch::jit::Stack {
          std::vector<torch::Tensor> tensors;
          for (const c10::IValue& argument : arguments) tensors.push_back(argument.toTensor());
          return {function(tensors)};
        },
        [](const torch::autograd::Variable&) { return std::string(); }, /*strict=*/true,
        /*force_outplace=*/false, &module, input_names);
    auto method = module._ivalue()->compilation_unit()->create_function(
        c10::QualifiedName(*module.type()->name(), name), std::get<0>(traced)->graph);
    module.type()->addMethod(method);
  } catch (const std::exception& e) {
    return absl::FailedPreconditionError(absl::StrCat("tracing ", name, " failed: ", ExceptionMessage(e)));
  }
  return absl::OkStatus();
}

// TorchScript: `call` (an expression of the chunk variables) over chunks of `chunk` rows
// of `inputs`, the last zero-padded and its result cut back.
std::string ChunkLoop(const std::vector<std::string>& inputs, const std::string& call) {
  std::string loop = absl::StrCat(
      "    n = ", inputs[0], ".size(0)\n",
      "    parts: List[Tensor] = []\n",
      "    for start in range(0, n, self.chunk):\n");
  for (const std::string& input : inputs) {
    absl::StrAppend(&loop, "        ", input, "_part = ", input, "[start:start + self.chunk]\n");
  }
  absl::StrAppend(&loop, "        rows = ", inputs[0], "_part.size(0)\n",
                  "        if rows < self.chunk:\n");
  for (const std::string& input : inputs) {
    absl::StrAppend(&loop, "            ", input, "_part = self._pad(", input,
                    "_part, self.chunk - rows)\n");
  }
  absl::StrAppend(&loop, "        parts.append(", call, "[:rows])\n",
                  "    return torch.cat(parts)\n");
  return loop;
}

// TorchScript checks of z (and labels) with the error a user should see.
std::string LatentChecks(const std::string& method, int64_t latent_dim, int64_t num_classes) {
  // `assert` because exception classes are unknown to TorchScript compiled from C++.
  std::string checks = absl::StrCat(
      "    assert z.dim() == 2 and z.size(1) == ", latent_dim, " and z.size(0) > 0, '", method,
      ": z must be [N, ", latent_dim, "] with N > 0'\n");
  if (num_classes > 0) {
    absl::StrAppend(
        &checks, "    assert labels.dim() == 1 and labels.size(0) == z.size(0), '", method,
        ": labels must be [N], one per row of z'\n",
        "    assert not bool((labels < 0).any()) and not bool((labels >= ", num_classes,
        ").any()), '", method, ": labels must be in [0, ", num_classes, ")'\n");
  }
  return checks;
}

absl::Status AddIntAttribute(torch::jit::Module& module, const std::string& name, int64_t value) {
  if (absl::Status free = CheckNameIsFree(module, name); !free.ok()) return free;
  module.register_attribute(name, c10::IntType::get(), value);
  return absl::OkStatus();
}

// What the methods that take latents take: z, and labels for conditional generators.
struct LatentInputs {
  std::vector<torch::Tensor> tensors;  // `chunk` random rows of each, to trace with
  std::vector<std::string> names;      // z[, labels]
  std::string signature;               // TorchScript: "z: Tensor[, labels: Tensor]"
  std::string chunk_arguments;         // ChunkLoop's: "z_part[, labels_part]"

  // Labels when conditional, else undefined: GeneratorModule's second argument.
  static torch::Tensor Labels(const std::vector<torch::Tensor>& in) {
    return in.size() > 1 ? in[1] : torch::Tensor();
  }
};

LatentInputs MakeLatentInputs(const GeneratorModule& generator, int64_t chunk,
                              const torch::Device& device) {
  LatentInputs inputs{{torch::randn({chunk, generator.latent_dim()}, torch::device(device))},
                      {"z"},
                      "z: Tensor",
                      "z_part"};
  if (generator.num_classes() > 0) {
    inputs.tensors.push_back(torch::randint(generator.num_classes(), {chunk},
                                            torch::dtype(torch::kLong).device(device)));
    inputs.names.push_back("labels");
    inputs.signature += ", labels: Tensor";
    inputs.chunk_arguments += ", labels_part";
  }
  return inputs;
}

// styles(z[, labels], psi, cutoff) and synthesize(ws, noise) of a style-based generator.
absl::Status AddStyleMethods(torch::jit::Module& module, StyleBasedGenerator& generator,
                             const LatentInputs& latents) {
  const auto styles = [&](const std::vector<torch::Tensor>& in) {
    return generator.Styles(in[0], LatentInputs::Labels(in));
  };
  if (absl::Status traced =
          AddTracedMethod(module, "styles_chunk", latents.tensors, latents.names, styles);
      !traced.ok()) {
    return traced;
  }
  torch::Tensor ws;
  {
    torch::NoGradGuard no_grad;
    ws = styles(latents.tensors);
  }
  if (absl::Status traced = AddTracedMethod(
          module, "synthesize_chunk", {ws}, {"ws"},
          [&](const std::vector<torch::Tensor>& in) { return generator.Synthesize(in[0], {}); });
      !traced.ok()) {
    return traced;
  }
  if (absl::Status traced = AddTracedMethod(
          module, "synthesize_without_noise_chunk", {ws}, {"ws"},
          [&](const std::vector<torch::Tensor>& in) {
            std::vector<torch::Tensor> zeros = generator.SampleNoise(in[0].size(0), in[0].device());
            for (torch::Tensor& noise : zeros) noise.zero_();
            return generator.Synthesize(in[0], zeros);
          });
      !traced.ok()) {
    return traced;
  }
  if (!module.hasattr("w_average")) {
    module.register_buffer("w_average", generator.w_average());
  }
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, int64_t>>{{"num_ws", generator.num_ws()},
                                                    {"w_dim", generator.w_dim()}}) {
    if (absl::Status added = AddIntAttribute(module, name, value); !added.ok()) return added;
  }
  for (const char* name : {"_untruncated_styles", "styles", "synthesize"}) {
    if (absl::Status free = CheckNameIsFree(module, name); !free.ok()) return free;
  }
  module.define(absl::StrCat(
      "def _untruncated_styles(self, ", latents.signature, ") -> Tensor:\n",
      LatentChecks("styles", generator.latent_dim(), generator.num_classes()),
      ChunkLoop(latents.names, "self.styles_chunk(" + latents.chunk_arguments + ")")));
  module.define(absl::StrCat(
      "def styles(self, ", latents.signature, ", psi: float = 1.0, cutoff: int = -1) -> Tensor:\n",
      "    ws = self._untruncated_styles(", absl::StrJoin(latents.names, ", "), ")\n",
      "    layers = ws.size(1) if cutoff < 0 else min(cutoff, ws.size(1))\n",
      "    center = self.w_average.to(ws.dtype)\n",
      "    head = center + psi * (ws[:, :layers] - center)\n",
      "    return torch.cat([head, ws[:, layers:]], 1)\n"));
  module.define(absl::StrCat(
      "def synthesize(self, ws: Tensor, noise: bool = True) -> Tensor:\n",
      "    assert ws.dim() == 3 and ws.size(1) == ", generator.num_ws(), " and ws.size(2) == ",
      generator.w_dim(), " and ws.size(0) > 0, 'synthesize: ws must be [N, ", generator.num_ws(),
      ", ", generator.w_dim(), "] with N > 0'\n",
      ChunkLoop({"ws"}, "(self.synthesize_chunk(ws_part) if noise else "
                        "self.synthesize_without_noise_chunk(ws_part))")));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<torch::jit::Module> TraceGenerator(GeneratorModule& generator,
                                                  const TorchScriptExportOptions& options) {
  if (options.chunk < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("the traced batch size (chunk) must be >= 1, got ", options.chunk));
  }
  generator.eval();
  for (torch::Tensor& parameter : generator.parameters()) parameter.requires_grad_(false);
  // Truncation belongs to styles(); forward() is G's untruncated.
  generator.SetIntermediateTruncation(1.0);
  const std::vector<torch::Tensor> parameters = generator.parameters();
  const torch::Device device =
      parameters.empty() ? torch::Device(torch::kCPU) : parameters.front().device();

  std::map<std::string, int> used;
  torch::jit::Module module = Mirror(generator, std::make_shared<torch::jit::CompilationUnit>(), used);
  const LatentInputs latents = MakeLatentInputs(generator, options.chunk, device);
  if (absl::Status traced = AddTracedMethod(
          module, "generate_chunk", latents.tensors, latents.names,
          [&](const std::vector<torch::Tensor>& in) {
            return generator.forward(in[0], LatentInputs::Labels(in));
          });
      !traced.ok()) {
    return traced;
  }
  for (const auto& [name, value] : std::vector<std::pair<std::string, int64_t>>{
           {"latent_dim", generator.latent_dim()},
           {"num_classes", generator.num_classes()},
           {"image_size", generator.image_size()},
           {"image_channels", generator.image_channels()},
           {"chunk", options.chunk}}) {
    if (absl::Status added = AddIntAttribute(module, name, value); !added.ok()) return added;
  }
  for (const char* name : {"_pad", "forward"}) {
    if (absl::Status free = CheckNameIsFree(module, name); !free.ok()) return free;
  }
  try {
    module.define(
        "def _pad(self, x: Tensor, rows: int) -> Tensor:\n"
        "    shape = [rows] + x.size()[1:]\n"
        "    return torch.cat([x, torch.zeros(shape, dtype=x.dtype, device=x.device)])\n");
    module.define(absl::StrCat(
        "def forward(self, ", latents.signature, ") -> Tensor:\n",
        LatentChecks("forward", generator.latent_dim(), generator.num_classes()),
        ChunkLoop(latents.names, "self.generate_chunk(" + latents.chunk_arguments + ")")));
    if (auto* style_based = generator.style_based()) {
      if (absl::Status added = AddStyleMethods(module, *style_based, latents); !added.ok()) {
        return added;
      }
    }
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("defining the exported methods failed: ", ExceptionMessage(e)));
  }
  module.eval();
  return module;
}

}  // namespace gan
