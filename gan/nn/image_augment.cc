#include "gan/nn/image_augment.h"

#include <torch/autograd.h>
#include <torch/torch.h>

namespace gan {
namespace {

// [N] -> [N, 1, 1, 1], in the images' dtype, to broadcast over an image.
torch::Tensor PerImage(const torch::Tensor& values, const torch::Tensor& images) {
  TORCH_CHECK(values.dim() == 1 && values.size(0) == images.size(0),
              "image augmentation: expected one parameter per image ([", images.size(0),
              "]), got ", values.sizes());
  return values.to(images.scalar_type()).view({-1, 1, 1, 1});
}

void CheckImages(const torch::Tensor& images) {
  TORCH_CHECK(images.dim() == 4, "image augmentation: expected images [N, C, H, W], got ",
              images.sizes());
}

}  // namespace

torch::Tensor AdjustBrightness(const torch::Tensor& images, const torch::Tensor& shift) {
  CheckImages(images);
  return images + PerImage(shift, images);
}

torch::Tensor AdjustSaturation(const torch::Tensor& images, const torch::Tensor& factor) {
  CheckImages(images);
  const torch::Tensor mean = images.mean(1, /*keepdim=*/true);
  return (images - mean) * PerImage(factor, images) + mean;
}

torch::Tensor AdjustContrast(const torch::Tensor& images, const torch::Tensor& factor) {
  CheckImages(images);
  const torch::Tensor mean = images.mean({1, 2, 3}, /*keepdim=*/true);
  return (images - mean) * PerImage(factor, images) + mean;
}

torch::Tensor Translate(const torch::Tensor& images, const torch::Tensor& dy,
                        const torch::Tensor& dx, TranslateFill fill) {
  CheckImages(images);
  const int64_t n = images.size(0), height = images.size(2), width = images.size(3);
  TORCH_CHECK(dy.dim() == 1 && dy.size(0) == n && dx.dim() == 1 && dx.size(0) == n,
              "Translate: expected one shift per image, got ", dy.sizes(), " and ", dx.sizes());
  const auto index = torch::TensorOptions().dtype(torch::kLong).device(images.device());
  const torch::Tensor batch = torch::arange(n, index).view({-1, 1, 1});
  // Output pixel (i, j) reads input pixel (i - dy, j - dx).
  torch::Tensor rows = torch::arange(height, index).view({1, -1, 1}) - dy.to(index).view({-1, 1, 1});
  torch::Tensor cols = torch::arange(width, index).view({1, 1, -1}) - dx.to(index).view({-1, 1, 1});
  if (fill == TranslateFill::kReflect) {
    // Checked where it costs no wait for an accelerator.
    TORCH_CHECK(!dy.is_cpu() ||
                    (dy.abs().max().item<int64_t>() < height && dx.abs().max().item<int64_t>() < width),
                "Translate: a reflected shift must be smaller than the image, got up to ",
                dy.abs().max().item<int64_t>(), " rows and ", dx.abs().max().item<int64_t>(),
                " columns of ", height, "x", width);
    // Mirrored about the first and the last pixel: -k reads k, (side - 1) + k reads (side - 1) - k.
    rows = (height - 1) - ((height - 1) - rows.abs()).abs();
    cols = (width - 1) - ((width - 1) - cols.abs()).abs();
    return images.permute({0, 2, 3, 1}).index({batch, rows, cols}).permute({0, 3, 1, 2}).contiguous();
  }
  // Zeros: the image padded with one ring of them, and sources outside it clamped onto the ring.
  rows = (rows + 1).clamp(0, height + 1);
  cols = (cols + 1).clamp(0, width + 1);
  const torch::Tensor padded = torch::constant_pad_nd(images, {1, 1, 1, 1}).permute({0, 2, 3, 1});
  return padded.index({batch, rows, cols}).permute({0, 3, 1, 2}).contiguous();
}

torch::Tensor FlipHorizontally(const torch::Tensor& images, const torch::Tensor& flip) {
  CheckImages(images);
  TORCH_CHECK(flip.dim() == 1 && flip.size(0) == images.size(0) && flip.scalar_type() == torch::kBool,
              "FlipHorizontally: expected one bool per image, got ", flip.sizes(), " ",
              flip.scalar_type());
  return torch::where(flip.view({-1, 1, 1, 1}), images.flip({3}), images);
}

torch::Tensor Cutout(const torch::Tensor& images, const torch::Tensor& top,
                     const torch::Tensor& left, int64_t height, int64_t width) {
  CheckImages(images);
  const int64_t n = images.size(0);
  TORCH_CHECK(top.dim() == 1 && top.size(0) == n && left.dim() == 1 && left.size(0) == n,
              "Cutout: expected one position per image, got ", top.sizes(), " and ", left.sizes());
  const auto index = torch::TensorOptions().dtype(torch::kLong).device(images.device());
  const torch::Tensor rows = torch::arange(images.size(2), index).view({1, -1, 1});
  const torch::Tensor cols = torch::arange(images.size(3), index).view({1, 1, -1});
  const torch::Tensor y0 = top.to(index).view({-1, 1, 1});
  const torch::Tensor x0 = left.to(index).view({-1, 1, 1});
  const torch::Tensor inside =
      (rows >= y0) & (rows < y0 + height) & (cols >= x0) & (cols < x0 + width);
  return images * torch::logical_not(inside).to(images.scalar_type()).unsqueeze(1);
}

namespace {

// grid_sample (bilinear, mirrored edges, align_corners false) that can be differentiated
// twice with respect to its images, as StyleGAN2-ADA's grid_sample_gradfix: R1 on augmented
// reals differentiates D's gradient, which flows back through the resampling, and
// LibTorch's own grid_sampler_2d_backward has no derivative. The grid is a constant (the
// augmentation's random parameters). For fixed grid the resampling is a linear map A of the
// images; its backward is A's transpose, whose backward is A again. Forward and first
// backward call the same kernels as torch's grid_sample, so values are bit for bit its.
constexpr int64_t kBilinear = 0, kReflection = 2;

torch::Tensor SampleGrid(const torch::Tensor& images, const torch::Tensor& grid);

class GridSampleTranspose : public torch::autograd::Function<GridSampleTranspose> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* context,
                               const torch::Tensor& grad_output, const torch::Tensor& images,
                               const torch::Tensor& grid) {
    context->save_for_backward({grid});
    return std::get<0>(at::grid_sampler_2d_backward(grad_output, images, grid, kBilinear,
                                                    kReflection, /*align_corners=*/false,
                                                    {true, false}));
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                 torch::autograd::variable_list grads) {
    const torch::Tensor grid = context->get_saved_variables()[0];
    return {SampleGrid(grads[0], grid), torch::Tensor(), torch::Tensor()};
  }
};

class GridSample : public torch::autograd::Function<GridSample> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* context,
                               const torch::Tensor& images, const torch::Tensor& grid) {
    context->save_for_backward({images, grid});
    return at::grid_sampler_2d(images, grid, kBilinear, kReflection, /*align_corners=*/false);
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                 torch::autograd::variable_list grads) {
    const torch::autograd::variable_list saved = context->get_saved_variables();
    return {GridSampleTranspose::apply(grads[0], saved[0], saved[1]), torch::Tensor()};
  }
};

torch::Tensor SampleGrid(const torch::Tensor& images, const torch::Tensor& grid) {
  return GridSample::apply(images, grid);
}

}  // namespace

torch::Tensor WarpImages(const torch::Tensor& images, const torch::Tensor& inverse) {
  CheckImages(images);
  const int64_t n = images.size(0);
  TORCH_CHECK(inverse.dim() == 3 && inverse.size(0) == n && inverse.size(1) == 3 &&
                  inverse.size(2) == 3,
              "WarpImages: expected one 3x3 matrix per image, got ", inverse.sizes());
  const double width = static_cast<double>(images.size(3));
  const double height = static_cast<double>(images.size(2));
  const auto options = inverse.options();
  // From grid_sample's normalized positions ([-1, 1] across the image) to centred pixel
  // units and back.
  const torch::Tensor to_pixels = torch::diag(torch::tensor({width / 2, height / 2, 1.0}, options));
  const torch::Tensor to_normalized =
      torch::diag(torch::tensor({2 / width, 2 / height, 1.0}, options));
  const torch::Tensor theta = to_normalized.matmul(inverse).matmul(to_pixels);
  const torch::Tensor grid = torch::nn::functional::affine_grid(
      theta.slice(1, 0, 2).to(images.scalar_type()), images.sizes(), /*align_corners=*/false);
  TORCH_CHECK(!grid.requires_grad(), "WarpImages: the warp matrices must not require grad");
  return SampleGrid(images, grid);
}

torch::Tensor TransformColors(const torch::Tensor& images, const torch::Tensor& color) {
  CheckImages(images);
  const int64_t n = images.size(0), channels = images.size(1);
  TORCH_CHECK(color.dim() == 3 && color.size(0) == n && color.size(1) == 4 && color.size(2) == 4,
              "TransformColors: expected one 4x4 matrix per image, got ", color.sizes());
  TORCH_CHECK(channels == 1 || channels == 3, "TransformColors: expected 1 or 3 channels, got ",
              channels);
  const torch::Tensor matrix = color.to(images.scalar_type());
  const torch::Tensor pixels = images.reshape({n, channels, -1});
  torch::Tensor out;
  if (channels == 3) {
    out = matrix.slice(1, 0, 3).slice(2, 0, 3).matmul(pixels) + matrix.slice(1, 0, 3).slice(2, 3, 4);
  } else {
    // Grey in, grey out: the mean over r, g, b of the matrix's rows, applied to (v, v, v, 1).
    const torch::Tensor mean_row = matrix.slice(1, 0, 3).mean(1);  // [N, 4]
    out = pixels * mean_row.slice(1, 0, 3).sum(1).view({n, 1, 1}) + mean_row.slice(1, 3, 4).view({n, 1, 1});
  }
  return out.reshape(images.sizes());
}

}  // namespace gan
