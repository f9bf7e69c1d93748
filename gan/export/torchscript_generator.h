// A generator as a self-contained TorchScript module: what LibTorch's torch::jit::load and
// Python's torch.jit.load run without this project's code.
//
// G's layers are traced (LibTorch's tracer, as torch.jit.trace does in Python) in
// evaluation mode at a fixed batch size, `chunk`: a C++ module's sizes are plain integers
// to the tracer, so the traced graph only takes batches of that size. The module's methods
// are TorchScript that splits any batch into chunks (zero-padding the last) and calls the
// traced graphs. In evaluation mode every sample is independent of the others in its batch
// (BatchNorm uses its running statistics, as the `sample` tool does by default), so
// chunking changes nothing; training's grids with output.sample_batch_statistics differ.
//
// The module, for z ~ N(0, I):
//   forward(z [N, latent_dim]) -> images [N, C, H, W] in [-1, 1]       (unconditional)
//   forward(z, labels int64 [N])                                        (conditional)
//   attributes latent_dim, num_classes, image_size, image_channels, chunk
// and, for style-based generators (StyleGAN, StyleGAN2; named as StyleBasedGenerator's
// methods, since G's own "mapping" submodule is an attribute of the module too), also
//   styles(z[, labels], psi: float = 1.0, cutoff: int = -1) -> ws [N, num_ws, w_dim],
//     truncated towards w_average by psi in the inputs below cutoff (-1: all)
//   synthesize(ws, noise: bool = True) -> images, with fresh noise or none (zeros, for
//     deterministic images: the projector's)
//   attributes num_ws, w_dim, and the buffer w_average
// G's parameters and buffers are the module's, under their names in G. Random draws
// inside G (StyleGAN's noise) are traced with the tracing device: export on the device
// the module will run on.
//
//   GAN_ASSIGN_OR_RETURN(torch::jit::Module module, gan::TraceGenerator(*g, {}));
//   module.save("generator.pt");
#ifndef GAN_EXPORT_TORCHSCRIPT_GENERATOR_H_
#define GAN_EXPORT_TORCHSCRIPT_GENERATOR_H_

#include <cstdint>

#include <torch/script.h>

#include "absl/status/statusor.h"
#include "gan/networks/gan_modules.h"

namespace gan {

struct TorchScriptExportOptions {
  int64_t chunk = 1;  // the batch size the graphs are traced at
};

// Traces `generator` (left in evaluation mode, its parameters no longer requiring grad) on
// its device. The module shares G's tensors: copy it (clone()) before training G further.
absl::StatusOr<torch::jit::Module> TraceGenerator(GeneratorModule& generator,
                                                  const TorchScriptExportOptions& options);

}  // namespace gan

#endif  // GAN_EXPORT_TORCHSCRIPT_GENERATOR_H_
