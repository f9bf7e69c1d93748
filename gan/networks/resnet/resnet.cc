#include "gan/networks/resnet/resnet.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "gan/nn/maybe_spectral_norm.h"
#include "gan/nn/orthogonal.h"
#include "gan/nn/self_attention.h"

namespace gan {
namespace {

// Xavier-uniform (SNGAN, SAGAN; gain residual_init_gain in the residual branches) or
// orthogonal (BigGAN).
template <typename Block>
void InitializeLayers(torch::nn::Module& module, const std::vector<Block>& blocks,
                      const ResnetSpec& spec) {
  if (spec.orthogonal_init) {
    OrthogonalInit(module);
    return;
  }
  XavierInitLayers(module);
  if (spec.residual_init_gain == 1.0) return;
  for (const Block& block : blocks) {
    for (const auto& conv : block->residual_convs()) XavierInitLayers(*conv, spec.residual_init_gain);
  }
}

torch::nn::AnyModule MakeAttention(int64_t channels, const ResnetSpec& spec, bool spectral_norm) {
  return torch::nn::AnyModule(SelfAttention(SelfAttentionOptions(channels)
                                                .spectral_norm(spectral_norm)
                                                .pool_keys(spec.attention_pool_keys)));
}

}  // namespace

absl::StatusOr<ResnetSpec> ResnetSpecFor(ResnetPreset preset, int64_t image_size,
                                         int64_t image_channels, int64_t width,
                                         int64_t latent_dim) {
  if (width < 1 || latent_dim < 1 || image_channels < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ResNet networks need width, latent_dim and image channels >= 1, got ", width, ", ",
        latent_dim, ", ", image_channels));
  }
  ResnetSpec spec;
  spec.image_size = image_size;
  spec.image_channels = image_channels;
  spec.latent_dim = latent_dim;
  const int64_t w = width;
  if (image_size == 32) {
    // SNGAN's CIFAR-10 networks: G 4x4 -> 32 at 4w channels; D at 2w, 32 -> 8.
    spec.bottom_size = 4;
    spec.g_channels = {4 * w, 4 * w, 4 * w, 4 * w};
    spec.d_blocks = {{2 * w, true}, {2 * w, true}, {2 * w, false}, {2 * w, false}};
  } else if (image_size == 48 || image_size == 64) {
    // SNGAN's STL-10 (48) and 64x64 networks: G halves its channels per block, D doubles.
    spec.bottom_size = image_size == 48 ? 6 : 4;
    spec.g_channels = image_size == 48 ? std::vector<int64_t>{8 * w, 4 * w, 2 * w, w}
                                       : std::vector<int64_t>{16 * w, 8 * w, 4 * w, 2 * w, w};
    spec.d_blocks = {{w, true}, {2 * w, true}, {4 * w, true}, {8 * w, true}, {16 * w, false}};
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "ResNet networks support image sizes 32, 48 and 64 (pad 28x28 data to 32 with "
        "data.pad=2), not ", image_size));
  }
  if (preset == ResnetPreset::kSngan) {
    spec.residual_init_gain = std::sqrt(2.0);
    spec.d_hidden_from_input = true;
  }
  if (preset == ResnetPreset::kSagan || preset == ResnetPreset::kBiggan) {
    spec.g_spectral_norm = true;
    spec.d_spectral_norm = true;
  }
  if (preset == ResnetPreset::kSagan) {
    // SAGAN attends at the middle resolution (32 at 64x64, 16 at 32x32 and 48 -> 24).
    spec.g_attention_resolution = image_size / 2;
    spec.d_attention_resolution = image_size / 2;
  }
  if (preset == ResnetPreset::kBiggan) {
    spec.hierarchical_latent = true;
    spec.orthogonal_init = true;
  }
  return spec;
}

absl::Status ValidateResnetSpec(const ResnetSpec& spec) {
  if (spec.g_channels.size() < 2 || spec.d_blocks.empty()) {
    return absl::InvalidArgumentError("ResNet spec needs at least one G block and one D block");
  }
  const int64_t g_blocks = static_cast<int64_t>(spec.g_channels.size()) - 1;
  if (spec.bottom_size << g_blocks != spec.image_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ResNet G: bottom size ", spec.bottom_size, " doubled ", g_blocks, " times is not ",
        spec.image_size));
  }
  if (spec.hierarchical_latent && spec.latent_dim % (g_blocks + 1) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "BigGAN splits z into ", g_blocks + 1, " equal chunks (one per G block and one for "
        "the input layer): latent_dim ", spec.latent_dim, " is not divisible by ", g_blocks + 1));
  }
  if (IsConditional(spec.head) && spec.num_classes <= 0) {
    return absl::InvalidArgumentError("a conditional discriminator head needs num_classes > 0");
  }
  auto produced = [](int64_t resolution, const std::vector<int64_t>& resolutions) {
    if (resolution == 0) return true;
    for (int64_t r : resolutions) {
      if (r == resolution) return true;
    }
    return false;
  };
  std::vector<int64_t> g_resolutions, d_resolutions;
  for (int64_t i = 1, r = spec.bottom_size; i <= g_blocks; ++i) g_resolutions.push_back(r <<= 1);
  for (int64_t i = 0, r = spec.image_size; i < static_cast<int64_t>(spec.d_blocks.size()); ++i) {
    d_resolutions.push_back(r = spec.d_blocks[i].downsample ? r / 2 : r);
  }
  if (!produced(spec.g_attention_resolution, g_resolutions) ||
      !produced(spec.d_attention_resolution, d_resolutions)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "self-attention resolution (G ", spec.g_attention_resolution, ", D ",
        spec.d_attention_resolution, ") is not the output of any block of a ", spec.image_size,
        "x", spec.image_size, " network"));
  }
  return absl::OkStatus();
}

ResnetGenerator::ResnetGenerator(const ResnetSpec& spec) : spec_(spec) {
  const absl::Status valid = ValidateResnetSpec(spec);
  TORCH_CHECK(valid.ok(), std::string(valid.message()));
  const bool sn = spec.g_spectral_norm;
  const int64_t blocks = static_cast<int64_t>(spec.g_channels.size()) - 1;
  const int64_t bottom = spec.bottom_size;
  int64_t input_dim = spec.latent_dim;
  GeneratorBlockOptions block_options(0, 0);
  block_options.spectral_norm(sn);
  if (spec.hierarchical_latent) {
    chunk_size_ = spec.latent_dim / (blocks + 1);
    input_dim = chunk_size_;
    int64_t condition_dim = chunk_size_;
    if (spec.num_classes > 0) {
      shared_embedding_ = register_module(
          "shared_embedding", torch::nn::Embedding(spec.num_classes, spec.shared_embedding_dim));
      condition_dim += spec.shared_embedding_dim;
    }
    block_options.conditioning(BlockConditioning::kLinear).condition_dim(condition_dim);
  } else if (spec.num_classes > 0) {
    block_options.conditioning(BlockConditioning::kClass).num_classes(spec.num_classes);
  }
  input_ = MakeLinear(torch::nn::LinearOptions(input_dim, spec.g_channels[0] * bottom * bottom), sn);
  register_module("input", input_.ptr());
  int64_t resolution = bottom;
  for (int64_t i = 0; i < blocks; ++i) {
    GeneratorBlockOptions options = block_options;
    options.in_channels(spec.g_channels[i]).out_channels(spec.g_channels[i + 1]);
    blocks_.push_back(register_module(absl::StrCat("block", i), GeneratorBlock(options)));
    resolution *= 2;
    if (resolution == spec.g_attention_resolution) {
      attention_after_ = i;
      attention_ = MakeAttention(spec.g_channels[i + 1], spec, sn);
      register_module("attention", attention_.ptr());
    }
  }
  const int64_t last = spec.g_channels.back();
  output_norm_ = register_module("output_norm", BatchNorm(last));
  output_conv_ = MakeConv2d(torch::nn::Conv2dOptions(last, spec.image_channels, 3).padding(1), sn);
  register_module("output_conv", output_conv_.ptr());
  InitializeLayers(*this, blocks_, spec);
}

torch::Tensor ResnetGenerator::forward(const torch::Tensor& z, const torch::Tensor& labels) {
  TORCH_CHECK(z.dim() == 2 && z.size(1) == spec_.latent_dim, "ResnetGenerator: expected z [N, ",
              spec_.latent_dim, "], got ", z.sizes());
  const bool conditional = spec_.num_classes > 0;
  TORCH_CHECK(!conditional || (labels.defined() && labels.size(0) == z.size(0)),
              "ResnetGenerator: this generator is class-conditional and needs labels [N]");
  std::vector<torch::Tensor> chunks;
  torch::Tensor shared;
  if (spec_.hierarchical_latent) {
    chunks = z.split(chunk_size_, 1);
    if (conditional) shared = shared_embedding_->forward(labels);
  }
  torch::Tensor h = input_.forward(spec_.hierarchical_latent ? chunks[0] : z)
                        .view({z.size(0), spec_.g_channels[0], spec_.bottom_size, spec_.bottom_size});
  for (size_t i = 0; i < blocks_.size(); ++i) {
    torch::Tensor condition;
    if (spec_.hierarchical_latent) {
      condition = conditional ? torch::cat({shared, chunks[i + 1]}, 1) : chunks[i + 1];
    }
    h = blocks_[i]->forward(h, labels, condition);
    if (static_cast<int64_t>(i) == attention_after_) h = attention_.forward(h);
  }
  return torch::tanh(output_conv_.forward(torch::relu(output_norm_->forward(h))));
}

ResnetDiscriminator::ResnetDiscriminator(const ResnetSpec& spec) : spec_(spec) {
  const absl::Status valid = ValidateResnetSpec(spec);
  TORCH_CHECK(valid.ok(), std::string(valid.message()));
  const bool sn = spec.d_spectral_norm;
  int64_t channels = spec.image_channels;
  int64_t resolution = spec.image_size;
  for (size_t i = 0; i < spec.d_blocks.size(); ++i) {
    const ResnetDiscriminatorBlockSpec& block = spec.d_blocks[i];
    blocks_.push_back(register_module(
        absl::StrCat("block", i),
        DiscriminatorBlock(DiscriminatorBlockOptions(channels, block.out_channels)
                               .downsample(block.downsample)
                               .first(i == 0)
                               .spectral_norm(sn)
                               .hidden_from_input(spec.d_hidden_from_input))));
    channels = block.out_channels;
    if (block.downsample) resolution /= 2;
    if (resolution == spec.d_attention_resolution && attention_after_ < 0) {
      attention_after_ = static_cast<int64_t>(i);
      attention_ = MakeAttention(channels, spec, sn);
      register_module("attention", attention_.ptr());
    }
  }
  head_ = register_module("head", DiscriminatorHead(DiscriminatorHeadOptions(channels, spec.head)
                                                        .num_classes(spec.num_classes)
                                                        .embedding_dim(spec.embedding_dim)
                                                        .spectral_norm(sn)));
  InitializeLayers(*this, blocks_, spec);
}

torch::Tensor ResnetDiscriminator::features(const torch::Tensor& images, const torch::Tensor&) {
  torch::Tensor h = images;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    h = blocks_[i]->forward(h);
    if (static_cast<int64_t>(i) == attention_after_) h = attention_.forward(h);
  }
  return torch::relu(h).sum({2, 3});
}

DiscriminatorOutput ResnetDiscriminator::forward_all(const torch::Tensor& images,
                                                     const torch::Tensor& labels) {
  return head_->forward(features(images, labels), labels);
}

torch::Tensor ResnetDiscriminator::forward(const torch::Tensor& images, const torch::Tensor& labels) {
  return forward_all(images, labels).logits;
}

std::vector<std::vector<torch::Tensor>> ResnetDiscriminator::block_parameters() {
  std::vector<std::vector<torch::Tensor>> blocks;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    blocks.push_back(blocks_[i]->parameters());
    if (static_cast<int64_t>(i) == attention_after_) blocks.push_back(attention_.ptr()->parameters());
  }
  return blocks;
}

}  // namespace gan
