// Network families. Each package under gan/networks/ that builds a generator and a
// discriminator registers itself by name, with a reader for its config section
//   "model": {"family": "<name>", ...the family's own keys...}
// The reader reads the family's keys through a ConfigReader (so keys no family reads are
// errors naming them), validates them and returns the family, which then builds networks
// for the data's image shape. Nothing outside the family packages lists the families: an
// unknown name is an error listing the registered ones.
//
//   GAN_REGISTER_NETWORK_FAMILY("dcgan", ReadDcganFamily);  // in the family's package
//
//   GAN_ASSIGN_OR_RETURN(gan::ModelSection model, gan::ReadModelSection(json["model"]));
//   GAN_ASSIGN_OR_RETURN(gan::Networks networks, model.family->Build({32, 1}));
//
// A family's registration is a static initializer: its cc_library sets alwayslink, and a
// binary links the families it offers (//gan/networks:all_families has them all).
#ifndef GAN_NETWORKS_FAMILY_H_
#define GAN_NETWORKS_FAMILY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gan/core/config.h"
#include "gan/core/registry.h"
#include "gan/networks/gan_modules.h"

namespace gan {

// Square images: side length and channel count.
struct ImageShape {
  int64_t size = 0;
  int64_t channels = 0;
};

struct Networks {
  Generator generator;
  Discriminator discriminator;  // logit discriminators
  std::shared_ptr<AutoencoderModule> autoencoder;  // energy-based families
  Generator ema_generator;  // a second G for the weight average, when the config averages G (its ema section)
};

// How networks that grow (PGGAN's) are scheduled, read by their family from the model
// section's "growth" object (gan/train/progressive_updater.h does the growing):
//   stable_images     images per stable phase (PGGAN: 800k)
//   fade_images       images per fade-in of a new level (PGGAN: 800k)
//   fade_reals        D's real images fade between levels as G's fakes do (PGGAN's code)
//   reset_optimizers  both optimizers start over when a fade starts and when it ends
struct GrowthSchedule {
  int64_t stable_images = 800000;
  int64_t fade_images = 800000;
  bool fade_reals = true;
  bool reset_optimizers = true;
};

class NetworkFamily {
 public:
  virtual ~NetworkFamily() = default;

  // G and D for images of `shape`; a shape the family cannot build is an error saying
  // which it can.
  virtual absl::StatusOr<Networks> Build(const ImageShape& shape) const = 0;

  // The generator alone, for sampling from checkpoints (the default builds both networks;
  // families override it to build G only).
  virtual absl::StatusOr<Generator> BuildGenerator(const ImageShape& shape) const;

  // Whether the networks can train on batches of `batch_size` images (per process).
  virtual absl::Status CheckBatchSize(int64_t batch_size) const { return absl::OkStatus(); }

  // The growth schedule of networks that grow (GeneratorModule::growing); null for the
  // others, whose model section has no "growth".
  virtual const GrowthSchedule* growth() const { return nullptr; }
};

// Reads a family's keys from the model section (whose "family" key is already read),
// recording invalid values on `model`; returns the family, or an error of its own.
using NetworkFamilyReader =
    std::function<absl::StatusOr<std::unique_ptr<NetworkFamily>>(ConfigReader& model)>;

// Registers `reader` under `name`; a second registration of a name aborts at startup.
// Returns true, for use in a static initializer (GAN_REGISTER_NETWORK_FAMILY).
bool RegisterNetworkFamily(const std::string& name, NetworkFamilyReader reader);

// The registered names, sorted.
std::vector<std::string> RegisteredNetworkFamilies();

// A model section read by its family's reader.
struct ModelSection {
  std::string family_name;
  std::shared_ptr<const NetworkFamily> family;
  // Every key of the section with the value in force (defaults included): what the
  // networks' architecture was built from.
  nlohmann::json settings;
};

// Reads `section` ("model" in errors) with the reader of the family it names.
absl::StatusOr<ModelSection> ReadModelSection(const nlohmann::json& section);

}  // namespace gan

#define GAN_REGISTER_NETWORK_FAMILY(name, reader) \
  GAN_REGISTER_WITH(::gan::RegisterNetworkFamily, name, reader)

#endif  // GAN_NETWORKS_FAMILY_H_
