// ResNet GAN generators and discriminators at 32x32, 48x48 and 64x64 (28x28 data is
// padded to 32), in three presets that differ only in switches of one spec:
//   kSngan: SNGAN (Miyato et al. 2018): spectral norm in D, plain BN in G;
//       with a conditional head G's BatchNorms become class-conditional (cGAN-PD). As in
//       the authors' code, D's blocks are as wide inside as at their input, and the
//       residual 3x3 convs start from Xavier-uniform with gain sqrt(2).
//   kSagan: SAGAN (Zhang et al. 2019): self-attention in G and D at one resolution, its
//       keys and values max-pooled 2x2 as in the reference code, and spectral norm in both.
//   kBiggan: BigGAN-style (Brock et al. 2019): z split into chunks across G's blocks,
//       each block's BatchNorm conditioned on [shared class embedding, z chunk] through a
//       linear map, projection D, spectral norm in both, orthogonal initialization.
// Discriminators end in a head of gan/networks/heads (unconditional, projection, acgan,
// reacgan).
//
//   gan::ResnetSpec spec = *gan::ResnetSpecFor(gan::ResnetPreset::kSagan, 32, 3, 64, 128);
//   spec.num_classes = 10; spec.head = gan::HeadKind::kProjection;
//   auto g = std::make_shared<gan::ResnetGenerator>(spec);
#ifndef GAN_NETWORKS_RESNET_RESNET_H_
#define GAN_NETWORKS_RESNET_RESNET_H_

#include <cstdint>
#include <string>
#include <vector>


#include "absl/status/statusor.h"
#include "gan/networks/gan_modules.h"
#include "gan/nn/batch_norm.h"
#include "gan/networks/heads/discriminator_head.h"
#include "gan/networks/resnet/residual_blocks.h"

namespace gan {

struct ResnetDiscriminatorBlockSpec {
  int64_t out_channels;
  bool downsample;
};

struct ResnetSpec {
  int64_t image_size = 32;
  int64_t image_channels = 3;
  int64_t latent_dim = 128;
  // G: a linear layer maps z to bottom_size^2 x g_channels[0]; then one upsampling block
  // per further entry of g_channels.
  int64_t bottom_size = 4;
  std::vector<int64_t> g_channels;
  std::vector<ResnetDiscriminatorBlockSpec> d_blocks;  // the first is the optimized block
  bool g_spectral_norm = false;
  bool d_spectral_norm = true;
  // Self-attention after the G / D block whose output has this resolution; 0 = none.
  int64_t g_attention_resolution = 0;
  int64_t d_attention_resolution = 0;
  // > 0: class-conditional G (and a conditional head in D, chosen by `head`).
  int64_t num_classes = 0;
  HeadKind head = HeadKind::kUnconditional;
  int64_t embedding_dim = 512;  // reacgan head
  bool orthogonal_init = false;  // else Xavier-uniform
  // Xavier gain of the residual branches' 3x3 convs (shortcuts and other layers: 1).
  double residual_init_gain = 1.0;
  // D's blocks after the first: hidden width = input width (else output width).
  bool d_hidden_from_input = false;
  // Self-attention max-pools its keys and values 2x2 (SAGAN's and BigGAN's code).
  bool attention_pool_keys = true;
  // BigGAN: z chunks per block and a shared class embedding feeding linear cBN.
  bool hierarchical_latent = false;
  int64_t shared_embedding_dim = 128;
};

enum class ResnetPreset { kSngan, kSagan, kBiggan };

// image_size 32, 48 or 64; width is the base channel count (SNGAN's CIFAR G has
// 4*width = 256 channels at width 64). Errors name the unsupported value.
absl::StatusOr<ResnetSpec> ResnetSpecFor(ResnetPreset preset, int64_t image_size,
                                         int64_t image_channels, int64_t width,
                                         int64_t latent_dim);

// Checks the spec's internal consistency (e.g. latent_dim divisible into BigGAN's chunks).
absl::Status ValidateResnetSpec(const ResnetSpec& spec);

class ResnetGenerator : public GeneratorModule {
 public:
  explicit ResnetGenerator(const ResnetSpec& spec);
  using GeneratorModule::forward;
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& labels) override;
  int64_t latent_dim() const override { return spec_.latent_dim; }
  int64_t image_size() const override { return spec_.image_size; }
  int64_t image_channels() const override { return spec_.image_channels; }
  int64_t num_classes() const override { return spec_.num_classes; }
  const ResnetSpec& spec() const { return spec_; }

 private:
  ResnetSpec spec_;
  int64_t chunk_size_ = 0;  // hierarchical latent
  torch::nn::AnyModule input_;
  torch::nn::Embedding shared_embedding_{nullptr};
  std::vector<GeneratorBlock> blocks_;
  int64_t attention_after_ = -1;  // block index
  torch::nn::AnyModule attention_;
  BatchNorm output_norm_{nullptr};
  torch::nn::AnyModule output_conv_;
};

class ResnetDiscriminator : public DiscriminatorModule {
 public:
  explicit ResnetDiscriminator(const ResnetSpec& spec);
  using DiscriminatorModule::forward;
  torch::Tensor forward(const torch::Tensor& images, const torch::Tensor& labels) override;
  DiscriminatorOutput forward_all(const torch::Tensor& images, const torch::Tensor& labels) override;
  // Sum-pooled ReLU features [N, C] of the last block: the head's input.
  torch::Tensor features(const torch::Tensor& images, const torch::Tensor& labels) override;
  std::vector<std::string> auxiliary_outputs() const override {
    return AuxiliaryOutputs(spec_.head);
  }
  // The residual blocks, and self-attention as a block of its own after the block it
  // follows, as PyTorch-StudioGAN counts them for FreezeD; the head is none.
  std::vector<std::vector<torch::Tensor>> block_parameters() override;

 private:
  ResnetSpec spec_;
  std::vector<DiscriminatorBlock> blocks_;
  int64_t attention_after_ = -1;
  torch::nn::AnyModule attention_;
  DiscriminatorHead head_{nullptr};
};

}  // namespace gan

#endif  // GAN_NETWORKS_RESNET_RESNET_H_
