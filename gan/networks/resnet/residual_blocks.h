// The residual blocks of SNGAN-style ResNet generators and discriminators (Miyato et al.
// 2018, after Gulrajani et al. 2017), shared by the resnet, sagan and biggan networks.
//
// GeneratorBlock:      x -> BN -> ReLU -> up2 -> conv3x3 -> BN -> ReLU -> conv3x3, plus
//                      the shortcut up2 -> conv1x1 (identity when the shape is unchanged).
//                      BN is plain, class-conditional or BigGAN's linear-conditional.
// DiscriminatorBlock:  x -> ReLU -> conv3x3 -> ReLU -> conv3x3 -> avgpool2, plus the
//                      shortcut conv1x1 -> avgpool2. The "optimized" first block of D has
//                      no leading ReLU and pools before its shortcut conv. The first conv's
//                      output (hidden) width is the block's output width (BigGAN, SAGAN) or
//                      its input width (SNGAN's reference code).
//
//   gan::GeneratorBlock up(gan::GeneratorBlockOptions(256, 256));
//   torch::Tensor h = up->forward(x, labels, torch::Tensor());  // 2x the resolution
#ifndef GAN_NETWORKS_RESNET_RESIDUAL_BLOCKS_H_
#define GAN_NETWORKS_RESNET_RESIDUAL_BLOCKS_H_

#include <cstdint>
#include <memory>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/types.h>

namespace gan {

// How a generator block's BatchNorm is conditioned.
enum class BlockConditioning {
  kNone,         // plain BatchNorm2d
  kClass,        // per-class gain and bias (cGAN with projection D, SAGAN)
  kLinear,       // gain and bias from a linear map of a condition vector (BigGAN)
};

struct GeneratorBlockOptions {
  GeneratorBlockOptions(int64_t in_channels, int64_t out_channels)
      : in_channels_(in_channels), out_channels_(out_channels) {}
  TORCH_ARG(int64_t, in_channels);
  TORCH_ARG(int64_t, out_channels);
  TORCH_ARG(bool, upsample) = true;
  TORCH_ARG(bool, spectral_norm) = false;
  TORCH_ARG(BlockConditioning, conditioning) = BlockConditioning::kNone;
  TORCH_ARG(int64_t, num_classes) = 0;    // kClass
  TORCH_ARG(int64_t, condition_dim) = 0;  // kLinear
};

class GeneratorBlockImpl : public torch::nn::Module {
 public:
  explicit GeneratorBlockImpl(GeneratorBlockOptions options);
  // labels: int64 [N] for kClass; condition: [N, condition_dim] for kLinear.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& labels,
                        const torch::Tensor& condition);
  // The two 3x3 convs of the residual branch (not the shortcut), for initialization.
  std::vector<std::shared_ptr<torch::nn::Module>> residual_convs() const {
    return {conv1_.ptr(), conv2_.ptr()};
  }

 private:
  torch::Tensor Normalize(int index, const torch::Tensor& x, const torch::Tensor& labels,
                          const torch::Tensor& condition);

  GeneratorBlockOptions options_;
  torch::nn::AnyModule norm1_, norm2_;
  torch::nn::AnyModule conv1_, conv2_, shortcut_;
};
TORCH_MODULE(GeneratorBlock);

struct DiscriminatorBlockOptions {
  DiscriminatorBlockOptions(int64_t in_channels, int64_t out_channels)
      : in_channels_(in_channels), out_channels_(out_channels) {}
  TORCH_ARG(int64_t, in_channels);
  TORCH_ARG(int64_t, out_channels);
  TORCH_ARG(bool, downsample) = true;
  TORCH_ARG(bool, first) = false;  // the optimized block that takes the image
  TORCH_ARG(bool, spectral_norm) = true;
  // The hidden width is in_channels instead of out_channels (not in the first block,
  // whose input is the image).
  TORCH_ARG(bool, hidden_from_input) = false;
};

class DiscriminatorBlockImpl : public torch::nn::Module {
 public:
  explicit DiscriminatorBlockImpl(DiscriminatorBlockOptions options);
  torch::Tensor forward(const torch::Tensor& x);
  std::vector<std::shared_ptr<torch::nn::Module>> residual_convs() const {
    return {conv1_.ptr(), conv2_.ptr()};
  }

 private:
  DiscriminatorBlockOptions options_;
  torch::nn::AnyModule conv1_, conv2_, shortcut_;
  bool learnable_shortcut_;
};
TORCH_MODULE(DiscriminatorBlock);

}  // namespace gan

#endif  // GAN_NETWORKS_RESNET_RESIDUAL_BLOCKS_H_
