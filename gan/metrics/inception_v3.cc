#include "gan/metrics/inception_v3.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <torch/nn/functional/linear.h>
#include <torch/nn/functional/pooling.h>
#include <torch/nn/functional/upsampling.h>
#include <torch/serialize.h>
#include <torch/utils.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace gan {
namespace {

namespace F = torch::nn::functional;

std::string BaseName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string ShapeString(torch::IntArrayRef sizes) {
  return absl::StrCat("[", absl::StrJoin(sizes, ", "), "]");
}

// [N, C, H, W] with C = 1 or 3, checked for the extractors.
void CheckImages(const torch::Tensor& images, const char* who) {
  TORCH_CHECK(images.defined() && images.dim() == 4, who, ": expected images [N, C, H, W], got ",
              images.defined() ? ShapeString(images.sizes()) : "an undefined tensor");
  TORCH_CHECK(images.size(1) == 1 || images.size(1) == 3, who,
              ": expected 1 or 3 channels, got images ", ShapeString(images.sizes()));
}

torch::Tensor ToThreeChannels(const torch::Tensor& images) {
  return images.size(1) == 1 ? images.repeat({1, 3, 1, 1}) : images;
}

// TF1's resize_bilinear source positions along one axis (align_corners = false,
// half_pixel_centers = false), computed in float as TF does:
//   scale = in / out, src = dst * scale, lower = floor(src), upper = min(ceil(src), in - 1),
//   lerp = src - floor(src).
struct Tf1Axis {
  torch::Tensor lower;  // [out] int64
  torch::Tensor upper;  // [out] int64
  torch::Tensor lerp;   // [out], dtype of the images
};

Tf1Axis Tf1Interpolation(int64_t in, int64_t out, const torch::Tensor& like) {
  const float scale = static_cast<float>(in) / static_cast<float>(out);
  std::vector<int64_t> lower(out), upper(out);
  std::vector<float> lerp(out);
  for (int64_t i = 0; i < out; ++i) {
    const float src = static_cast<float>(i) * scale;
    const float src_floor = std::floor(src);
    lower[i] = std::max<int64_t>(static_cast<int64_t>(src_floor), 0);
    upper[i] = std::min<int64_t>(static_cast<int64_t>(std::ceil(src)), in - 1);
    lerp[i] = src - src_floor;
  }
  const auto index_options = torch::TensorOptions().dtype(torch::kLong);
  return {torch::tensor(lower, index_options).to(like.device()),
          torch::tensor(upper, index_options).to(like.device()),
          torch::tensor(lerp, torch::TensorOptions().dtype(torch::kFloat))
              .to(like.device(), like.scalar_type())};
}

torch::Tensor Tf1ResizeBilinear(const torch::Tensor& images, int64_t height, int64_t width) {
  const Tf1Axis ys = Tf1Interpolation(images.size(2), height, images);
  const Tf1Axis xs = Tf1Interpolation(images.size(3), width, images);
  const torch::Tensor x_lerp = xs.lerp.view({1, 1, 1, width});
  const torch::Tensor y_lerp = ys.lerp.view({1, 1, height, 1});
  // TF's order of operations: top = tl + (tr - tl) * x_lerp, same for bottom, then
  // top + (bottom - top) * y_lerp.
  const auto horizontal = [&](const torch::Tensor& rows) {
    const torch::Tensor left = rows.index_select(3, xs.lower);
    const torch::Tensor right = rows.index_select(3, xs.upper);
    return left + (right - left) * x_lerp;
  };
  const torch::Tensor top = horizontal(images.index_select(2, ys.lower));
  const torch::Tensor bottom = horizontal(images.index_select(2, ys.upper));
  return top + (bottom - top) * y_lerp;
}

absl::Status WeightsError(const std::string& path, const std::string& message) {
  return absl::InvalidArgumentError(absl::StrCat("Inception weights '", path, "': ", message));
}

}  // namespace

std::string ResizeModeName(ResizeMode mode) {
  switch (mode) {
    case ResizeMode::kPytorchBilinear:
      return "pytorch-bilinear";
    case ResizeMode::kTf1Bilinear:
      return "tf1-bilinear";
  }
  return "unknown";
}

std::string InputScalingName(InputScaling scaling) {
  switch (scaling) {
    case InputScaling::kPytorchFid:
      return "pytorch-fid";
    case InputScaling::kTfUint8:
      return "tf-uint8";
  }
  return "unknown";
}

torch::Tensor ResizeImages(const torch::Tensor& images, int64_t height, int64_t width,
                           ResizeMode mode) {
  TORCH_CHECK(images.dim() == 4 && images.is_floating_point(),
              "ResizeImages: expected floating images [N, C, H, W], got ",
              ShapeString(images.sizes()), " of ", images.scalar_type());
  TORCH_CHECK(height > 0 && width > 0 && images.size(2) > 0 && images.size(3) > 0,
              "ResizeImages: empty size");
  if (images.size(2) == height && images.size(3) == width) return images;
  if (mode == ResizeMode::kTf1Bilinear) return Tf1ResizeBilinear(images, height, width);
  return F::interpolate(images, F::InterpolateFuncOptions()
                                    .size(std::vector<int64_t>{height, width})
                                    .mode(torch::kBilinear)
                                    .align_corners(false));
}

InceptionV3Impl::InceptionV3Impl() { reset(); }

void InceptionV3Impl::reset() {
  const auto conv = [](int64_t in, int64_t out, int64_t kernel, int64_t stride = 1,
                       int64_t padding = 0) {
    return BasicConv2d(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding));
  };
  Conv2d_1a_3x3 = register_module("Conv2d_1a_3x3", conv(3, 32, 3, 2));
  Conv2d_2a_3x3 = register_module("Conv2d_2a_3x3", conv(32, 32, 3));
  Conv2d_2b_3x3 = register_module("Conv2d_2b_3x3", conv(32, 64, 3, 1, 1));
  Conv2d_3b_1x1 = register_module("Conv2d_3b_1x1", conv(64, 80, 1));
  Conv2d_4a_3x3 = register_module("Conv2d_4a_3x3", conv(80, 192, 3));
  Mixed_5b = register_module("Mixed_5b", FidInceptionA(192, 32));
  Mixed_5c = register_module("Mixed_5c", FidInceptionA(256, 64));
  Mixed_5d = register_module("Mixed_5d", FidInceptionA(288, 64));
  Mixed_6a = register_module("Mixed_6a", InceptionB(288));
  Mixed_6b = register_module("Mixed_6b", FidInceptionC(768, 128));
  Mixed_6c = register_module("Mixed_6c", FidInceptionC(768, 160));
  Mixed_6d = register_module("Mixed_6d", FidInceptionC(768, 160));
  Mixed_6e = register_module("Mixed_6e", FidInceptionC(768, 192));
  Mixed_7a = register_module("Mixed_7a", InceptionD(768));
  Mixed_7b = register_module("Mixed_7b", FidInceptionE(1280, InceptionEPool::kAverage));
  Mixed_7c = register_module("Mixed_7c", FidInceptionE(2048, InceptionEPool::kMax));
  fc = register_module("fc", torch::nn::Linear(kInceptionFeatureDim, kInceptionNumClasses));
}

torch::Tensor InceptionV3Impl::forward(const torch::Tensor& x) {
  const auto max_pool = F::MaxPool2dFuncOptions(3).stride(2);
  torch::Tensor h = Conv2d_1a_3x3(x);    // N x 32 x 149 x 149
  h = Conv2d_2a_3x3(h);                  // N x 32 x 147 x 147
  h = Conv2d_2b_3x3(h);                  // N x 64 x 147 x 147
  h = F::max_pool2d(h, max_pool);        // N x 64 x 73 x 73
  h = Conv2d_3b_1x1(h);                  // N x 80 x 73 x 73
  h = Conv2d_4a_3x3(h);                  // N x 192 x 71 x 71
  h = F::max_pool2d(h, max_pool);        // N x 192 x 35 x 35
  h = Mixed_5b(h);                       // N x 256 x 35 x 35
  h = Mixed_5c(h);                       // N x 288 x 35 x 35
  h = Mixed_5d(h);                       // N x 288 x 35 x 35
  h = Mixed_6a(h);                       // N x 768 x 17 x 17
  h = Mixed_6b(h);
  h = Mixed_6c(h);
  h = Mixed_6d(h);
  h = Mixed_6e(h);                       // N x 768 x 17 x 17
  h = Mixed_7a(h);                       // N x 1280 x 8 x 8
  h = Mixed_7b(h);                       // N x 2048 x 8 x 8
  h = Mixed_7c(h);                       // N x 2048 x 8 x 8
  h = F::adaptive_avg_pool2d(h, F::AdaptiveAvgPool2dFuncOptions(1));
  return h.flatten(1);                   // N x 2048 (pool3)
}

torch::Tensor InceptionV3Impl::Logits(const torch::Tensor& pool3, bool with_bias) const {
  return with_bias ? F::linear(pool3, fc->weight, fc->bias) : F::linear(pool3, fc->weight);
}

absl::Status LoadInceptionV3StateDict(const std::string& path, InceptionV3Impl& network) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("Inception weights '", path, "': cannot open the file"));
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  c10::IValue value;
  try {
    value = torch::pickle_load(bytes);
  } catch (const std::exception& e) {
    return WeightsError(
        path, absl::StrCat("LibTorch's pickle_load cannot read it (", FirstLine(e.what()),
                           "). It reads torch.save's zip format holding a plain dict "
                           "name -> tensor; convert the file once with: ",
                           kInceptionWeightsConversion));
  }
  if (!value.isGenericDict()) {
    return WeightsError(path, absl::StrCat("expected a dict name -> tensor (a state dict), found ",
                                           value.tagKind(), "; convert a Python state dict with: ",
                                           kInceptionWeightsConversion));
  }

  std::vector<std::pair<std::string, torch::Tensor>> targets;
  for (const auto& item : network.named_parameters(/*recurse=*/true)) {
    targets.emplace_back(item.key(), item.value());
  }
  for (const auto& item : network.named_buffers(/*recurse=*/true)) {
    targets.emplace_back(item.key(), item.value());
  }
  std::unordered_map<std::string, torch::Tensor> by_name(targets.begin(), targets.end());

  std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;  // (destination, source)
  std::unordered_set<std::string> seen;
  for (const auto& entry : value.toGenericDict()) {
    if (!entry.key().isString()) {
      return WeightsError(path, absl::StrCat("expected string keys, found a key of type ",
                                             entry.key().tagKind()));
    }
    const std::string& key = entry.key().toStringRef();
    const auto target = by_name.find(key);
    if (target == by_name.end()) {
      return WeightsError(path, absl::StrCat("unexpected key '", key,
                                             "' (not a parameter or buffer of the FID "
                                             "InceptionV3, pytorch-fid's fid_inception_v3())"));
    }
    if (!entry.value().isTensor()) {
      return WeightsError(path, absl::StrCat("key '", key, "' holds a ", entry.value().tagKind(),
                                             ", expected a tensor"));
    }
    const torch::Tensor source = entry.value().toTensor();
    if (source.sizes() != target->second.sizes()) {
      return WeightsError(path, absl::StrCat("key '", key, "' has shape ",
                                             ShapeString(source.sizes()), ", expected ",
                                             ShapeString(target->second.sizes())));
    }
    seen.insert(key);
    copies.emplace_back(target->second, source);
  }
  int64_t missing = 0;
  std::string first_missing;
  for (const auto& target : targets) {
    if (seen.count(target.first) > 0 || absl::EndsWith(target.first, "num_batches_tracked")) {
      continue;
    }
    if (missing++ == 0) first_missing = target.first;
  }
  if (missing > 0) {
    return WeightsError(path, absl::StrCat("missing key '", first_missing, "' (", missing,
                                           " keys missing in all)"));
  }
  torch::NoGradGuard no_grad;
  for (auto& copy : copies) copy.first.copy_(copy.second);
  return absl::OkStatus();
}

InceptionV3FeatureExtractor::InceptionV3FeatureExtractor(InceptionV3ExtractorOptions options)
    : options_(std::move(options)) {
  TORCH_CHECK(options_.batch_size() > 0, "InceptionV3FeatureExtractor: batch_size must be > 0");
  network_->to(options_.device());
  network_->eval();
}

absl::StatusOr<std::unique_ptr<InceptionV3FeatureExtractor>>
InceptionV3FeatureExtractor::FromStateDictFile(const std::string& path,
                                               InceptionV3ExtractorOptions options) {
  auto extractor = std::make_unique<InceptionV3FeatureExtractor>(std::move(options));
  const absl::Status status = LoadInceptionV3StateDict(path, *extractor->network_);
  if (!status.ok()) return status;
  extractor->weights_ = BaseName(path);
  return extractor;
}

std::string InceptionV3FeatureExtractor::name() const {
  return absl::StrCat("inception-v3-fid (weights=", weights_,
                      ", resize=", ResizeModeName(options_.resize()),
                      ", input=", InputScalingName(options_.input_scaling()),
                      ", logits=", options_.logits_with_bias() ? "with-bias" : "no-bias", ")");
}

torch::Tensor InceptionV3FeatureExtractor::Preprocess(const torch::Tensor& images) const {
  CheckImages(images, "InceptionV3FeatureExtractor");
  torch::Tensor x = ToThreeChannels(images.to(torch::kFloat));
  x = ResizeImages(x, kInceptionImageSize, kInceptionImageSize, options_.resize());
  if (options_.input_scaling() == InputScaling::kTfUint8) x = ((x + 1.0) * 127.5 - 128.0) / 128.0;
  return x;
}

ExtractedFeatures InceptionV3FeatureExtractor::Extract(const torch::Tensor& images) {
  CheckImages(images, "InceptionV3FeatureExtractor");
  const int64_t n = images.size(0);
  const auto result_options = torch::TensorOptions().dtype(torch::kFloat).device(images.device());
  if (n == 0) {
    return {torch::zeros({0, kInceptionFeatureDim}, result_options),
            torch::zeros({0, kInceptionNumClasses}, result_options)};
  }
  std::vector<torch::Tensor> features, logits;
  {
    torch::InferenceMode inference;
    network_->eval();
    for (int64_t start = 0; start < n; start += options_.batch_size()) {
      const torch::Tensor batch =
          images.slice(0, start, std::min(n, start + options_.batch_size())).to(options_.device());
      const torch::Tensor pool3 = network_->forward(Preprocess(batch));
      features.push_back(pool3);
      logits.push_back(network_->Logits(pool3, options_.logits_with_bias()));
    }
  }
  // Concatenated outside InferenceMode: the results are ordinary tensors.
  return {torch::cat(features).to(images.device()), torch::cat(logits).to(images.device())};
}

TorchScriptInception::TorchScriptInception(torch::jit::Module module,
                                           TorchScriptInceptionOptions options,
                                           std::string file_name)
    : module_(std::move(module)), options_(std::move(options)), file_name_(std::move(file_name)) {
  feature_dim_ = options_.feature_dim();
  for (const auto& parameter : module_.named_parameters(/*recurse=*/true)) {
    if (parameter.name == "output.weight" && parameter.value.dim() == 2) {
      output_weight_ = parameter.value.detach().to(options_.device(), torch::kFloat);
      num_classes_ = output_weight_.size(0);
      feature_dim_ = output_weight_.size(1);
    }
  }
  module_.eval();
}

absl::StatusOr<std::unique_ptr<TorchScriptInception>> TorchScriptInception::Load(
    const std::string& path, TorchScriptInceptionOptions options) {
  if (options.batch_size() <= 0) {
    return absl::InvalidArgumentError("TorchScriptInception: batch_size must be > 0");
  }
  if (!std::ifstream(path, std::ios::binary)) {
    return absl::NotFoundError(
        absl::StrCat("TorchScript Inception '", path, "': cannot open the file"));
  }
  torch::jit::Module module;
  try {
    module = torch::jit::load(path, options.device());
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(
        "TorchScript Inception '", path, "': torch::jit::load failed (", FirstLine(e.what()),
        "); expected a TorchScript archive such as StyleGAN2-ADA's inception-2015-12-05.pt"));
  }
  const auto forward = module.find_method("forward");
  if (!forward.has_value() ||
      !forward->function().getSchema().argumentIndexWithName("return_features").has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "TorchScript Inception '", path,
        "': expected a method forward(img, return_features: bool = False, ...) as in "
        "StyleGAN2-ADA's inception-2015-12-05.pt"));
  }
  return std::unique_ptr<TorchScriptInception>(
      new TorchScriptInception(std::move(module), std::move(options), BaseName(path)));
}

std::string TorchScriptInception::name() const {
  return absl::StrCat("inception-v3-torchscript (weights=", file_name_,
                      ", resize=in-detector, input=",
                      options_.quantize_to_uint8() ? "uint8" : "float-0-255",
                      ", logits=", num_classes_ > 0 ? "no-bias" : "none", ")");
}

torch::Tensor TorchScriptInception::ToDetectorRange(const torch::Tensor& images,
                                                    bool quantize_to_uint8) {
  const torch::Tensor x = images.to(torch::kFloat);
  if (quantize_to_uint8) return (x * 127.5 + 128.0).clamp(0.0, 255.0).floor();
  return (x + 1.0) * 127.5;
}

ExtractedFeatures TorchScriptInception::Extract(const torch::Tensor& images) {
  CheckImages(images, "TorchScriptInception");
  const int64_t n = images.size(0);
  const auto result_options = torch::TensorOptions().dtype(torch::kFloat).device(images.device());
  if (n == 0) {
    return {torch::zeros({0, feature_dim_}, result_options),
            num_classes_ > 0 ? torch::zeros({0, num_classes_}, result_options) : torch::Tensor()};
  }
  std::vector<torch::Tensor> features, logits;
  {
    torch::InferenceMode inference;
    torch::jit::Method forward = module_.get_method("forward");
    for (int64_t start = 0; start < n; start += options_.batch_size()) {
      const int64_t end = std::min(n, start + options_.batch_size());
      const torch::Tensor batch = ToDetectorRange(
          ToThreeChannels(images.slice(0, start, end).to(options_.device())),
          options_.quantize_to_uint8());
      const torch::jit::Kwargs kwargs = {{"return_features", c10::IValue(true)}};
      const c10::IValue out = forward({batch}, kwargs);
      TORCH_CHECK(out.isTensor(), "TorchScriptInception '", file_name_,
                  "': forward(img, return_features=True) returned a ", out.tagKind(),
                  ", expected a tensor");
      const torch::Tensor f = out.toTensor().to(torch::kFloat);
      TORCH_CHECK(f.dim() == 2 && f.size(0) == end - start && f.size(1) == feature_dim_,
                  "TorchScriptInception '", file_name_, "': expected features [", end - start,
                  ", ", feature_dim_, "], got ", ShapeString(f.sizes()));
      features.push_back(f);
      if (output_weight_.defined()) logits.push_back(F::linear(f, output_weight_));
    }
  }
  return {torch::cat(features).to(images.device()),
          logits.empty() ? torch::Tensor() : torch::cat(logits).to(images.device())};
}

}  // namespace gan
