// The config's "update" section: how each iteration updates G and D. Each scheme is a small
// target of this package that registers itself by name and reads its own keys, so that a
// key another scheme owns is an unknown key under it (the strict reader says so):
//
//   "update": {"scheme": "alternating", "n_dis": 5, "weight_clip": 0.01}   (WGAN)
//   "update": "energy"                                                     (EBGAN, BEGAN)
//
//   alternating  D's and G's steps in turn on logit discriminators (gan/train/alternating_scheme.h)
//   energy       the energy-based losses' own updaters (gan/train/energy_scheme.h); no keys
//
// Without a scheme (or a section) the loss's: energy for an energy-based loss, alternating
// for the others.
//
//   GAN_REGISTER_UPDATE_SCHEME("energy", ReadEnergyScheme);  // in its file
//
// A registration is a static initializer: the scheme's cc_library sets alwayslink.
#ifndef GAN_TRAIN_UPDATE_SCHEME_H_
#define GAN_TRAIN_UPDATE_SCHEME_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "absl/status/statusor.h"
#include "gan/augment/augmentation.h"
#include "gan/core/config.h"
#include "gan/core/registry.h"
#include "gan/losses/loss_section.h"
#include "gan/losses/terms/loss_term.h"
#include "gan/networks/gan_modules.h"
#include "gan/train/data_parallel.h"
#include "gan/train/optim_section.h"
#include "gan/train/precision_section.h"
#include "gan/train/updater.h"

namespace gan {

// What a scheme builds its updater from: the networks and the sections other components
// read.
struct UpdateInputs {
  Generator generator;
  Discriminator discriminator;                     // logit discriminators
  std::shared_ptr<AutoencoderModule> autoencoder;  // energy-based ones
  std::string family_name;                         // model.family, for errors
  const LossSection* loss = nullptr;
  const LossTerms* terms = nullptr;
  const AugmentSection* augment = nullptr;
  const OptimSection* optim = nullptr;
  const PrecisionSection* precision = nullptr;
  torch::Device device = torch::kCPU;
  std::shared_ptr<DataParallel> data_parallel;  // null: one process
  int64_t total_iterations = 0;                 // what a learning-rate schedule decays over
};

class UpdateScheme {
 public:
  virtual ~UpdateScheme() = default;

  // G steps once every this many iterations (the clock of G's average).
  virtual int iterations_per_generator_step() const { return 1; }
  // Batches of train.batch_size one iteration consumes.
  virtual int batches_per_iteration() const { return 1; }

  // A fresh updater; settings of the other sections that the scheme cannot honour, or
  // networks it cannot train, are errors naming the key.
  virtual absl::StatusOr<std::unique_ptr<Updater>> NewUpdater(const UpdateInputs& inputs) const = 0;
};

// Reads a scheme's keys, recording invalid values on `options`.
using UpdateSchemeReader = std::function<std::unique_ptr<UpdateScheme>(ConfigReader& options)>;

// Registers `reader` under `name`; a second registration of a name aborts at startup.
bool RegisterUpdateScheme(const std::string& name, UpdateSchemeReader reader);

// The registered names, sorted.
std::vector<std::string> RegisteredUpdateSchemes();

struct UpdateSection {
  std::string scheme_name;
  std::shared_ptr<const UpdateScheme> scheme;
};

// Reads `section` ("update" in errors): null (the default scheme), a scheme's name, or an
// object with an optional "scheme" and that scheme's keys. `default_scheme` is the loss's.
absl::StatusOr<UpdateSection> ReadUpdateSection(const nlohmann::json& section,
                                                const std::string& default_scheme);

// The scheme of a loss: "energy" for an energy-based one, "alternating" otherwise.
std::string DefaultUpdateScheme(const LossSection& loss);

// Whether the loss section's kind fits the discriminator: an adversarial loss for a logit
// discriminator, an energy-based one for an autoencoder (the error names 'loss').
absl::Status CheckLossFitsDiscriminator(const UpdateInputs& inputs);

}  // namespace gan

#define GAN_REGISTER_UPDATE_SCHEME(name, reader) \
  GAN_REGISTER_WITH(::gan::RegisterUpdateScheme, name, reader)

#endif  // GAN_TRAIN_UPDATE_SCHEME_H_
