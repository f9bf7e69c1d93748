// InceptionV3 feature extractors for FID, KID and IS, computed the way the reference
// implementations compute them.
//
// 1. InceptionV3 / InceptionV3FeatureExtractor: the TF-ported InceptionV3 "FID variant",
//    layer for layer pytorch-fid's fid_inception_v3() (torchvision's Inception3 with 1008
//    classes, no aux logits, FIDInceptionA/C/E_1/E_2 pool branches). Parameter and buffer
//    names and shapes equal the Python state dict's keys, so the published weights load:
//      - pytorch-fid:    pt_inception-2015-12-05-6726825d.pth
//      - torch-fidelity: weights-inception-2015-12-05-6726825d.pth
//    features = pool3 [N, 2048] (the 8x8 average before fc); logits = pool3 @ fc.weight^T
//    [N, 1008] WITHOUT the fc bias, as the TF graph's "logits" tensor the original IS code
//    reads (torch-fidelity's "logits_unbiased"); InceptionV3Impl::Logits() gives both.
//
// 2. TorchScriptInception: StyleGAN2-ADA's TorchScript detector inception-2015-12-05.pt
//    (the same TF network, resizing inside the script), loaded with torch::jit::load.
//
// Input to both: images [N, C, H, W] in [-1, 1], C = 1 (repeated to 3) or 3, any N (run in
// batches of batch_size), on any device (moved to the extractor's device per batch; results
// come back on the images' device). Everything runs in eval mode under InferenceMode.
//
// Resize to 299x299 (InceptionV3FeatureExtractor): ResizeMode::kPytorchBilinear is
// pytorch-fid's F.interpolate(bilinear, align_corners=False) (half-pixel centers);
// ResizeMode::kTf1Bilinear is TF1's tf.image.resize_bilinear(align_corners=False) as the
// original TF FID/IS code and torch-fidelity use (src = dst * in / out, no half-pixel offset,
// clamped at the last row/column). Input scaling: pytorch-fid feeds 2 * x - 1 for x in
// [0, 1], i.e. our [-1, 1] images unchanged (InputScaling::kPytorchFid); the TF graph (and
// torch-fidelity) feed (u - 128) / 128 for uint8 u, i.e. ((x + 1) * 127.5 - 128) / 128
// (InputScaling::kTfUint8). For torch-fidelity's protocol use kTf1Bilinear + kTfUint8.
//
// Weight files. LibTorch 1.13's torch::pickle_load reads torch.save's zip format (the
// default since PyTorch 1.6) when the saved object is a plain dict of tensors; it can NOT
// read (a) the legacy pre-1.6 format, nor (b) an OrderedDict (what model.state_dict()
// returns: 1.13's unpickler turns collections.OrderedDict into None, checked with a file
// in torch.save's layout). torch-fidelity's converter saves a plain dict, so its file loads
// as is if it was written in the zip format. A file the loader cannot read (the error says
// so and prints this command; e.g. pytorch-fid's .pth if it is legacy or an OrderedDict) is
// converted once in Python with PyTorch >= 1.6 (kInceptionWeightsConversion):
//   python -c "import torch; sd = torch.load('IN.pth', map_location='cpu'); torch.save({k: v.contiguous() for k, v in sd.items()}, 'OUT.pt')"
// Keys must match exactly; only the BatchNorm num_batches_tracked counters may be missing
// (unused in eval; PyTorch's load_state_dict fills them in the same way).
//
//   ASSIGN_OR_RETURN(auto inception, gan::InceptionV3FeatureExtractor::FromStateDictFile(
//       "pt_inception.pt", gan::InceptionV3ExtractorOptions().batch_size(50)));
//   gan::ExtractedFeatures f = inception->Extract(images);  // [N, 2048], [N, 1008]
//
//   ASSIGN_OR_RETURN(auto detector, gan::TorchScriptInception::Load("inception-2015-12-05.pt"));
//   gan::ExtractedFeatures g = detector->Extract(images);   // [N, 2048], [N, 1008]
#ifndef GAN_METRICS_INCEPTION_V3_H_
#define GAN_METRICS_INCEPTION_V3_H_

#include <cstdint>
#include <memory>
#include <string>

#include <torch/script.h>
#include <torch/nn/modules/linear.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gan/metrics/feature_extractor.h"
#include "gan/metrics/inception_blocks.h"

namespace gan {

inline constexpr int64_t kInceptionImageSize = 299;
inline constexpr int64_t kInceptionFeatureDim = 2048;
inline constexpr int64_t kInceptionNumClasses = 1008;

// The Python one-liner that turns any torch.save'd state dict into a file this toolkit reads
// (IN.pth / OUT.pt are placeholders); printed by load errors.
inline constexpr char kInceptionWeightsConversion[] =
    "python -c \"import torch; sd = torch.load('IN.pth', map_location='cpu'); "
    "torch.save({k: v.contiguous() for k, v in sd.items()}, 'OUT.pt')\"";

enum class ResizeMode {
  kPytorchBilinear,  // F.interpolate(mode="bilinear", align_corners=False): pytorch-fid
  kTf1Bilinear,      // tf.image.resize_bilinear(align_corners=False): TF1 FID/IS, torch-fidelity
};
// "pytorch-bilinear" / "tf1-bilinear".
std::string ResizeModeName(ResizeMode mode);

enum class InputScaling {
  kPytorchFid,  // [-1, 1] fed unchanged (pytorch-fid's 2 * x - 1 on [0, 1] images)
  kTfUint8,     // (u - 128) / 128 with u = (x + 1) * 127.5, as the TF graph on uint8 images
};
// "pytorch-fid" / "tf-uint8".
std::string InputScalingName(InputScaling scaling);

// Bilinear resize of [N, C, H, W] floating images to [N, C, height, width] (see the file
// comment for the two modes). Returns the input unchanged when the size already matches.
torch::Tensor ResizeImages(const torch::Tensor& images, int64_t height, int64_t width,
                           ResizeMode mode);

// The FID InceptionV3 network (random init until weights are loaded). forward() takes
// images already prepared as the network expects (3 channels, normally 299x299, scaled to
// about [-1, 1]) and returns pool3 features [N, 2048]. Any size >= 75x75 runs (the network
// is convolutional up to the global average pool).
class InceptionV3Impl : public torch::nn::Cloneable<InceptionV3Impl> {
 public:
  InceptionV3Impl();
  void reset() override;
  torch::Tensor forward(const torch::Tensor& x);
  // pool3 [N, 2048] -> [N, 1008]: pool3 @ fc.weight^T, plus fc.bias when with_bias.
  torch::Tensor Logits(const torch::Tensor& pool3, bool with_bias) const;

  BasicConv2d Conv2d_1a_3x3{nullptr};
  BasicConv2d Conv2d_2a_3x3{nullptr};
  BasicConv2d Conv2d_2b_3x3{nullptr};
  BasicConv2d Conv2d_3b_1x1{nullptr};
  BasicConv2d Conv2d_4a_3x3{nullptr};
  FidInceptionA Mixed_5b{nullptr};
  FidInceptionA Mixed_5c{nullptr};
  FidInceptionA Mixed_5d{nullptr};
  InceptionB Mixed_6a{nullptr};
  FidInceptionC Mixed_6b{nullptr};
  FidInceptionC Mixed_6c{nullptr};
  FidInceptionC Mixed_6d{nullptr};
  FidInceptionC Mixed_6e{nullptr};
  InceptionD Mixed_7a{nullptr};
  FidInceptionE Mixed_7b{nullptr};
  FidInceptionE Mixed_7c{nullptr};
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(InceptionV3);

// Copies every tensor of the state dict in `path` (torch.save / torch::pickle_save of a dict
// name -> tensor, see the file comment) into the parameter or buffer of the same name.
// Nothing is copied unless the whole file fits: errors name the file and the first
// unexpected key, mis-shaped key (with both shapes) or missing key; unreadable files get
// the conversion command. num_batches_tracked keys may be absent.
absl::Status LoadInceptionV3StateDict(const std::string& path, InceptionV3Impl& network);

struct InceptionV3ExtractorOptions {
  TORCH_ARG(ResizeMode, resize) = ResizeMode::kPytorchBilinear;
  TORCH_ARG(InputScaling, input_scaling) = InputScaling::kPytorchFid;
  // Images per forward pass.
  TORCH_ARG(int64_t, batch_size) = 50;
  // Where the network runs.
  TORCH_ARG(torch::Device, device) = torch::kCPU;
  // Logits with fc.bias added (torchvision's logits) instead of the TF IS "logits" without.
  TORCH_ARG(bool, logits_with_bias) = false;
};

class InceptionV3FeatureExtractor : public FeatureExtractor {
 public:
  // Random weights: for tests and plumbing only; name() says "random-init".
  explicit InceptionV3FeatureExtractor(InceptionV3ExtractorOptions options = {});
  // Weights from a state dict file (LoadInceptionV3StateDict); name() names the file.
  static absl::StatusOr<std::unique_ptr<InceptionV3FeatureExtractor>> FromStateDictFile(
      const std::string& path, InceptionV3ExtractorOptions options = {});

  // e.g. "inception-v3-fid (weights=pt_inception-2015-12-05-6726825d.pt,
  // resize=pytorch-bilinear, input=pytorch-fid, logits=no-bias)".
  std::string name() const override;
  int64_t feature_dim() const override { return kInceptionFeatureDim; }
  int64_t num_classes() const override { return kInceptionNumClasses; }
  // features [N, 2048], logits [N, 1008], float32 on the images' device.
  ExtractedFeatures Extract(const torch::Tensor& images) override;

  // What the network sees for `images` ([N, 1 or 3, H, W] in [-1, 1]): float32, 3 channels,
  // 299x299 by options().resize(), scaled by options().input_scaling(). Same device.
  torch::Tensor Preprocess(const torch::Tensor& images) const;

  const InceptionV3ExtractorOptions& options() const { return options_; }
  InceptionV3& network() { return network_; }

 private:
  InceptionV3ExtractorOptions options_;
  InceptionV3 network_;
  std::string weights_ = "random-init";
};

struct TorchScriptInceptionOptions {
  // Images per forward pass.
  TORCH_ARG(int64_t, batch_size) = 50;
  TORCH_ARG(torch::Device, device) = torch::kCPU;
  // Round to the uint8 values StyleGAN2-ADA feeds its detector: floor(clamp(x * 127.5 + 128,
  // 0, 255)) (its (img * 127.5 + 128).clamp(0, 255).to(torch.uint8)); images that came from
  // uint8 u as u / 127.5 - 1 give back exactly u. Without: (x + 1) * 127.5, unrounded.
  TORCH_ARG(bool, quantize_to_uint8) = true;
  // Feature width when the module has no "output.weight" to read it from.
  TORCH_ARG(int64_t, feature_dim) = kInceptionFeatureDim;
};

// StyleGAN2-ADA's TorchScript detector. Its forward(img, return_features: bool=False, ...)
// takes [N, 3, H, W] in [0, 255] (any size; it resizes to 299 itself) and returns pool3
// features with return_features=True; without, it returns softmax PROBABILITIES (with
// no_output_bias=True, of features @ output.weight^T). So logits here are computed from the
// returned features and the module's "output.weight" parameter, which is exactly what the
// detector feeds its softmax under no_output_bias; a module without "output.weight" gives
// num_classes() == 0 and undefined logits.
class TorchScriptInception : public FeatureExtractor {
 public:
  static absl::StatusOr<std::unique_ptr<TorchScriptInception>> Load(
      const std::string& path, TorchScriptInceptionOptions options = {});

  // e.g. "inception-v3-torchscript (weights=inception-2015-12-05.pt, resize=in-detector,
  // input=uint8, logits=no-bias)".
  std::string name() const override;
  int64_t feature_dim() const override { return feature_dim_; }
  int64_t num_classes() const override { return num_classes_; }
  ExtractedFeatures Extract(const torch::Tensor& images) override;

  // [-1, 1] -> [0, 255] as fed to the detector (see quantize_to_uint8), float32.
  static torch::Tensor ToDetectorRange(const torch::Tensor& images, bool quantize_to_uint8);

 private:
  TorchScriptInception(torch::jit::Module module, TorchScriptInceptionOptions options,
                       std::string file_name);

  torch::jit::Module module_;
  TorchScriptInceptionOptions options_;
  std::string file_name_;
  torch::Tensor output_weight_;  // [num_classes, feature_dim] or undefined
  int64_t feature_dim_ = kInceptionFeatureDim;
  int64_t num_classes_ = 0;
};

}  // namespace gan

#endif  // GAN_METRICS_INCEPTION_V3_H_
