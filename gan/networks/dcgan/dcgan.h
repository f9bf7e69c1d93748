// DCGAN generators and discriminators built from per-layer specs, with the three
// variants the toolkit ships:
//   - Stl10*: a 96x96 DCGAN for STL-10 (z = 128; transposed convs
//     6x6 -> 12 -> 24 -> 48 -> 96; D of 3x3 convs with AvgPool and a 1x1 conv head;
//     conv weights N(0, 0.02)).
//   - LibtorchExample*: the 28x28 MNIST DCGAN of LibTorch's C++ example (z = 100).
//   - Standard*: Radford et al.'s DCGAN for 32x32 and 64x64 (4x4 kernels, stride 2).
//
//   gan::Generator g = gan::MakeDcganGenerator(gan::StandardDcganSpec(32, 1, 64));
#ifndef GAN_NETWORKS_DCGAN_DCGAN_H_
#define GAN_NETWORKS_DCGAN_DCGAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include <torch/nn/modules/container/sequential.h>

#include "absl/status/statusor.h"
#include "gan/networks/gan_modules.h"
#include "gan/nn/minibatch_discrimination.h"

namespace gan {

struct ConvSpec {
  int64_t out_channels;
  int64_t kernel;
  int64_t stride;
  int64_t padding;
};

struct DcganGeneratorSpec {
  int64_t latent_dim = 100;
  // Transposed convs; the first maps the latent (as 1x1) to its feature map, the last
  // produces the image channels. BatchNorm + ReLU follow every layer but the last, Tanh
  // the last.
  std::vector<ConvSpec> layers;
  bool bias = false;
};

struct DcganDiscriminatorLayer {
  ConvSpec conv;
  bool batch_norm = true;
  int64_t avg_pool_before = 0;  // > 1: AvgPool2d(k) before the conv
};

struct DcganDiscriminatorSpec {
  int64_t image_channels = 1;
  // Each: [AvgPool] -> Conv -> [BatchNorm] -> LeakyReLU(0.2).
  std::vector<DcganDiscriminatorLayer> layers;
  int64_t head_avg_pool = 0;  // > 1: AvgPool2d(k) before the head
  ConvSpec head{1, 1, 1, 0};  // conv to one logit per image (out_channels is 1)
  bool bias = false;
  // > 0: minibatch discrimination (gan/nn) on the flattened features, and a linear head
  // instead of the conv head.
  int64_t minibatch_kernels = 0;
  int64_t minibatch_kernel_dim = 5;
  MinibatchDiscriminationForm minibatch_form = MinibatchDiscriminationForm::kPaper;
};

struct DcganSpec {
  DcganGeneratorSpec generator;
  DcganDiscriminatorSpec discriminator;
  int64_t image_size = 0;
  int64_t image_channels = 0;
  double init_std = 0.02;  // conv weights ~ N(0, init_std); 0 keeps LibTorch's default
};

DcganSpec Stl10DcganSpec();
DcganSpec LibtorchExampleDcganSpec();
// image_size 32 or 64; width = base channel count (ngf = ndf), latent 100.
DcganSpec StandardDcganSpec(int64_t image_size, int64_t image_channels, int64_t width,
                            int64_t latent_dim = 100);

// OK for a variant name DcganSpecByName knows; else an error to follow the variant's
// config key, listing the names (or saying what a former name is called now).
absl::Status CheckDcganVariant(const std::string& variant);

// Spec by variant name: "stl10_96", "libtorch_example" or "standard"; errors name the
// unsupported value. `image_size`, `image_channels`, `width` and `latent_dim` apply
// where the variant allows them (0 = the variant's default).
absl::StatusOr<DcganSpec> DcganSpecByName(const std::string& variant, int64_t image_size,
                                          int64_t image_channels, int64_t width,
                                          int64_t latent_dim);

class DcganGenerator : public GeneratorModule {
 public:
  DcganGenerator(const DcganGeneratorSpec& spec, int64_t image_size, double init_std);
  using GeneratorModule::forward;
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& labels) override;
  int64_t latent_dim() const override { return spec_.latent_dim; }
  int64_t image_size() const override { return image_size_; }
  int64_t image_channels() const override { return spec_.layers.back().out_channels; }

 private:
  DcganGeneratorSpec spec_;
  int64_t image_size_;
  torch::nn::Sequential body_{nullptr};
};

class DcganDiscriminator : public DiscriminatorModule {
 public:
  DcganDiscriminator(const DcganDiscriminatorSpec& spec, int64_t image_size, double init_std);
  using DiscriminatorModule::forward;
  torch::Tensor forward(const torch::Tensor& images, const torch::Tensor& labels) override;
  // The last conv block's activations (after the head's pooling, if any).
  torch::Tensor features(const torch::Tensor& images, const torch::Tensor& labels) override;
  // One block per conv layer (the conv and its BatchNorm); the head is none.
  std::vector<std::vector<torch::Tensor>> block_parameters() override;

 private:
  torch::nn::Sequential features_{nullptr};
  torch::nn::Sequential head_{nullptr};
};

std::shared_ptr<DcganGenerator> MakeDcganGenerator(const DcganSpec& spec);
std::shared_ptr<DcganDiscriminator> MakeDcganDiscriminator(const DcganSpec& spec);

}  // namespace gan

#endif  // GAN_NETWORKS_DCGAN_DCGAN_H_
