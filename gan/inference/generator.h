// A generator written by the `export` tool (gan/export/torchscript_generator.h), loaded for
// inference with LibTorch alone: no trainer, data loader, metrics or network code of this
// toolkit is linked, so a program that only generates images stays small.
//
//   GAN_ASSIGN_OR_RETURN(gan::InferenceGenerator g,
//                        gan::InferenceGenerator::Load("generator.pt", torch::kCUDA));
//   torch::Tensor z = g.LatentsFromSeeds({0, 1, 2, 3});
//   GAN_ASSIGN_OR_RETURN(torch::Tensor images, g.Generate(z));  // [4, C, H, W] in [-1, 1]
#ifndef GAN_INFERENCE_GENERATOR_H_
#define GAN_INFERENCE_GENERATOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include <torch/script.h>

#include "absl/status/statusor.h"

namespace gan {

class InferenceGenerator {
 public:
  // The module in `path`, moved to `device`. An unreadable file, or a module that is not a
  // generator written by `export`, is an error naming the file.
  static absl::StatusOr<InferenceGenerator> Load(const std::string& path,
                                                 const torch::Device& device = torch::kCPU);
  // A module already in memory (e.g. TraceGenerator's); `name` is for error messages.
  static absl::StatusOr<InferenceGenerator> FromModule(torch::jit::Module module,
                                                       const std::string& name,
                                                       const torch::Device& device);

  int64_t latent_dim() const { return latent_dim_; }
  int64_t num_classes() const { return num_classes_; }
  int64_t image_size() const { return image_size_; }
  int64_t image_channels() const { return image_channels_; }
  // StyleGAN and StyleGAN2: Styles and Synthesize are available.
  bool style_based() const { return num_ws_ > 0; }
  int64_t num_ws() const { return num_ws_; }
  int64_t w_dim() const { return w_dim_; }
  const torch::Device& device() const { return device_; }

  // [N, latent_dim] on the CPU: row i is N(0, I) from a random generator seeded with
  // seeds[i], so an image's latent does not depend on the other seeds in the call.
  torch::Tensor LatentsFromSeeds(const std::vector<uint64_t>& seeds) const;

  // Images [N, C, H, W] in [-1, 1] on the CPU, for z [N, latent_dim] (and labels int64
  // [N] for conditional generators), computed on the device batch_size rows at a time.
  // Random draws inside the network (StyleGAN's noise) come from LibTorch's global
  // generator: torch::manual_seed first for repeatable images.
  absl::StatusOr<torch::Tensor> Generate(const torch::Tensor& z,
                                         const torch::Tensor& labels = torch::Tensor(),
                                         int64_t batch_size = 64) const;
  // Style-based generators: z -> ws [N, num_ws, w_dim], truncated towards the running mean
  // of w by psi in the inputs below cutoff (-1: all); ws -> images. On the device, with
  // autograd where the inputs require grad (the projector differentiates Synthesize).
  absl::StatusOr<torch::Tensor> Styles(const torch::Tensor& z,
                                       const torch::Tensor& labels = torch::Tensor(),
                                       double psi = 1.0, int64_t cutoff = -1) const;
  // noise false: without the noise inputs (deterministic).
  absl::StatusOr<torch::Tensor> Synthesize(const torch::Tensor& ws, bool noise = true) const;
  // The running mean of w [w_dim] on the device.
  torch::Tensor w_average() const;

 private:
  InferenceGenerator(torch::jit::Module module, std::string name, torch::Device device);
  absl::StatusOr<torch::Tensor> Call(const std::string& method,
                                     std::vector<c10::IValue> inputs) const;

  mutable torch::jit::Module module_;
  std::string name_;
  torch::Device device_;
  int64_t latent_dim_ = 0, num_classes_ = 0, image_size_ = 0, image_channels_ = 0;
  int64_t num_ws_ = 0, w_dim_ = 0;
};

}  // namespace gan

#endif  // GAN_INFERENCE_GENERATOR_H_
