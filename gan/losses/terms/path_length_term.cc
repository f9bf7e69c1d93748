// StyleGAN2's path-length regularization (Karras et al. 2020) as a G term, logged as
// "path_length_g":
//   "path_length": {"weight": 2, "interval": 4, "decay": 0.01, "batch_shrink": 2}
// On every interval-th G step (the first included; lazy regularization), for the first
// N / batch_shrink latents of the step (labels likewise):
//   ws = G's styles (as its forward makes them), y ~ N(0, I) / sqrt(H W) per image,
//   g = d sum(G(ws) * y) / d ws, a = sqrt(mean over the ws inputs of ||g||^2),
//   mean' = mean + decay * (E[a] - mean), penalty = weight * interval * E[(a - mean')^2],
// with mean' kept (detached) as the moving average for the next time, in checkpoints, and
// the gradient taken through mean' too, as the reference code does. Generators without a
// style space (gan/networks/style_based_generator.h) are refused when the term first runs.
#include <cmath>
#include <memory>
#include <string>

#include <torch/autograd.h>

#include "absl/strings/str_cat.h"
#include "gan/core/strict_load.h"
#include "gan/losses/terms/loss_term.h"
#include "gan/networks/style_based_generator.h"

namespace gan {
namespace {

struct PathLengthOptions {
  double weight = 2.0;
  int64_t interval = 4;
  double decay = 0.01;
  int64_t batch_shrink = 2;
};

class PathLengthTerm : public LossTerm {
 public:
  explicit PathLengthTerm(PathLengthOptions options) : options_(options) {}

  torch::Tensor Generator(StepContext& step) override {
    const bool due = steps_ % options_.interval == 0;
    ++steps_;
    if (!due) return {};
    auto* generator = step.generator().style_based();
    TORCH_CHECK(generator != nullptr, "config key 'terms.path_length': the generator has no "
                "style space (a mapping and a synthesis network, as StyleGAN2's)");
    TORCH_CHECK(step.latents().defined(), "the path-length term needs the latents of the step's fakes");
    const int64_t n = std::max<int64_t>(1, step.latents().size(0) / options_.batch_shrink);
    const torch::Tensor labels = step.labels().defined() ? step.labels().slice(0, 0, n) : torch::Tensor();
    torch::Tensor ws = generator->Styles(step.latents().slice(0, 0, n), labels);
    if (!ws.requires_grad()) ws = ws.detach().requires_grad_(true);
    const torch::Tensor images = generator->Synthesize(ws, {});
    const torch::Tensor y =
        torch::randn_like(images) / std::sqrt(static_cast<double>(images.size(2) * images.size(3)));
    const torch::Tensor g = torch::autograd::grad({(images * y).sum()}, {ws}, {},
                                                  /*retain_graph=*/true, /*create_graph=*/true)[0];
    const torch::Tensor lengths = g.square().sum(2).mean(1).sqrt();  // [n]
    const torch::Tensor previous =
        mean_.defined() ? mean_.to(lengths.options()) : torch::zeros({}, lengths.options());
    const torch::Tensor mean = previous + options_.decay * (lengths.mean() - previous);
    mean_ = mean.detach().to(torch::kDouble).cpu();
    return options_.weight * options_.interval * (lengths - mean).square().mean();
  }

  std::string log_name() const override { return "path_length"; }
  // The step count and the moving average are per batch.
  bool needs_whole_batch() const override { return true; }

  void Save(torch::serialize::OutputArchive& archive, const std::string& prefix) const override {
    archive.write(prefix + "steps", torch::tensor(steps_));
    archive.write(prefix + "mean", mean_.defined() ? mean_ : torch::zeros({}, torch::kDouble));
  }

  void Load(torch::serialize::InputArchive& archive, const std::string& prefix) override {
    steps_ = ReadIntStrictly(archive, prefix + "steps", "checkpoint");
    mean_ = ReadTensorStrictly(archive, prefix + "mean", "checkpoint");
    TORCH_CHECK(mean_.numel() == 1 && mean_.is_floating_point(), "checkpoint: '", prefix,
                "mean' must be one number, got ", mean_.sizes());
  }

 private:
  PathLengthOptions options_;
  int64_t steps_ = 0;
  torch::Tensor mean_;  // double scalar on the CPU; undefined before the first time (0)
};

absl::StatusOr<std::unique_ptr<LossTerm>> ReadPathLength(ConfigReader& options) {
  PathLengthOptions path;
  path.weight = ReadTermWeight(options, path.weight);
  options.Read("interval", &path.interval);
  options.Read("decay", &path.decay);
  options.Read("batch_shrink", &path.batch_shrink);
  RequirePositive(options, "interval", static_cast<double>(path.interval));
  RequirePositive(options, "batch_shrink", static_cast<double>(path.batch_shrink));
  if (path.decay <= 0 || path.decay > 1) {
    options.Invalid("decay", absl::StrCat("must be in (0, 1], got ", path.decay));
  }
  return std::make_unique<PathLengthTerm>(path);
}

GAN_REGISTER_LOSS_TERM("path_length", ReadPathLength);

}  // namespace
}  // namespace gan
