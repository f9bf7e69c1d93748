// Augmentations of D's inputs: random, differentiable transforms applied to real and fake
// images alike whenever D sees them, so that D trained on a small data set cannot
// memorize it and G is not driven to reproduce the transforms (Zhao et al. 2020,
// "Differentiable Augmentation for Data-Efficient GAN Training"; Karras et al. 2020,
// "Training Generative Adversarial Networks with Limited Data"). Each augmentation is a
// small target of this package that registers itself by name, and a config names one:
//   "augment": {"name": "diffaugment", "policy": "color,translation,cutout"}
// ("augment": "diffaugment" takes its defaults).
//
//   GAN_REGISTER_AUGMENTATION("diffaugment", ReadDiffAugment);  // in its file
//
//   GAN_ASSIGN_OR_RETURN(gan::AugmentSection section, gan::ReadAugmentSection(json["augment"]));
//   std::shared_ptr<gan::Augmentation> augment = *gan::NewAugmentation(section);  // null: none
//
// A registration is a static initializer: the augmentation's cc_library sets alwayslink,
// and a binary links the augmentations it offers (all_augmentations has them all).
#ifndef GAN_AUGMENT_AUGMENTATION_H_
#define GAN_AUGMENT_AUGMENTATION_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/serialize/archive.h>
#include <torch/types.h>

#include "absl/status/statusor.h"
#include "gan/core/config.h"
#include "gan/core/registry.h"

namespace gan {

// The mean of a scalar over the data-parallel ranks (null in one process).
using RankMean = std::function<torch::Tensor(const torch::Tensor&)>;

class Augmentation {
 public:
  virtual ~Augmentation() = default;

  // `images` [N, C, H, W] in [-1, 1], transformed with fresh random parameters for each
  // image (drawn from LibTorch's generator on the images' device), differentiably.
  virtual torch::Tensor Apply(const torch::Tensor& images) = 0;

  // For augmentations that adapt to D (ADA): D's logits on the (augmented) real images of
  // a D step that was applied, this rank's part of a batch of `global_batch_size` images.
  virtual void ObserveRealLogits(const torch::Tensor& logits, int64_t global_batch_size,
                                 const RankMean& mean_over_ranks) {}
  // The augmentation's state, in checkpoints under keys that start with `prefix`.
  virtual void Save(torch::serialize::OutputArchive& archive, const std::string& prefix) const {}
  virtual void Load(torch::serialize::InputArchive& archive, const std::string& prefix) {}
  // Values logged with the losses after every step (ADA's p).
  virtual std::map<std::string, torch::Tensor> Logs() const { return {}; }
};

// Reads an augmentation's options from its section, recording invalid values on `options`.
using AugmentationReader =
    std::function<absl::StatusOr<std::unique_ptr<Augmentation>>(ConfigReader& options)>;

// Registers `reader` under `name`; a second registration of a name aborts at startup.
// Returns true, for use in a static initializer (GAN_REGISTER_AUGMENTATION).
bool RegisterAugmentation(const std::string& name, AugmentationReader reader);

// The registered names, sorted.
std::vector<std::string> RegisteredAugmentations();

// An "augment" section, read and validated: the augmentation's name ("none" when the
// section is absent) and every option in force (defaults included).
struct AugmentSection {
  std::string name = "none";
  nlohmann::json settings = nlohmann::json::object();
};

// Reads `section` ("augment" in errors): null (none), a name, or an object with "name"
// and the augmentation's options.
absl::StatusOr<AugmentSection> ReadAugmentSection(const nlohmann::json& section);

// The augmentation of `section`, with fresh state (one per updater); null for "none".
absl::StatusOr<std::shared_ptr<Augmentation>> NewAugmentation(const AugmentSection& section);

}  // namespace gan

#define GAN_REGISTER_AUGMENTATION(name, reader) \
  GAN_REGISTER_WITH(::gan::RegisterAugmentation, name, reader)

#endif  // GAN_AUGMENT_AUGMENTATION_H_
