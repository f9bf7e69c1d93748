#include "gan/train/alternating_scheme.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gan/core/status_macros.h"
#include "gan/train/alternating_updater.h"

namespace gan {
namespace {

bool ParseUnrollOrder(const std::string& name, UnrollOrder* order) {
  if (name != "first" && name != "second") return false;
  *order = name == "second" ? UnrollOrder::kSecond : UnrollOrder::kFirst;
  return true;
}

// "stop" (false) or "skip" (true): what a non-finite step does.
bool ParseNonfinite(const std::string& name, bool* skip) {
  if (name != "stop" && name != "skip") return false;
  *skip = name == "skip";
  return true;
}

}  // namespace

std::unique_ptr<UpdateScheme> ReadAlternatingScheme(ConfigReader& reader) {
  AlternatingUpdaterOptions options;
  reader.Read("n_dis", &options.n_dis);
  reader.Read("generator_first", &options.generator_first);
  reader.Read("weight_clip", &options.weight_clip);
  reader.Read("joint_batch_norm", &options.joint_batch_norm);
  reader.Read("unroll_steps", &options.unroll_steps);
  ReadNamed(reader, "unroll_order", ParseUnrollOrder, "first or second", &options.unroll_order);
  reader.Read("accumulation_steps", &options.accumulation_steps);
  reader.Read("freeze_d_blocks", &options.freeze_d_blocks);
  reader.Read("sync_batch_norm", &options.sync_batch_norm);
  ReadNamed(reader, "nonfinite", ParseNonfinite, "stop or skip", &options.skip_nonfinite_steps);
  reader.Read("max_skipped_steps", &options.max_skipped_steps);
  RequirePositive(reader, "n_dis", options.n_dis);
  RequireNonNegative(reader, "weight_clip", options.weight_clip);
  RequireNonNegative(reader, "unroll_steps", options.unroll_steps);
  RequirePositive(reader, "accumulation_steps", options.accumulation_steps);
  RequireNonNegative(reader, "freeze_d_blocks", options.freeze_d_blocks);
  RequireNonNegative(reader, "max_skipped_steps", static_cast<double>(options.max_skipped_steps));
  return std::make_unique<AlternatingScheme>(std::move(options));
}

absl::StatusOr<std::unique_ptr<Updater>> AlternatingScheme::NewUpdater(
    const UpdateInputs& inputs) const {
  GAN_RETURN_IF_ERROR(CheckLossFitsDiscriminator(inputs));
  if (inputs.discriminator == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config key 'update.scheme' (alternating) trains logit discriminators; that of ",
        "model.family '", inputs.family_name, "' is an autoencoder (update.scheme energy)"));
  }
  // The terms and D's auxiliary outputs must agree (gan/losses/terms/loss_term.h).
  GAN_RETURN_IF_ERROR(
      CheckTrainedOutputs(inputs.terms->terms, inputs.discriminator->auxiliary_outputs()));
  AlternatingUpdaterOptions options = options_;
  options.optimizer_g = inputs.optim->generator;
  options.optimizer_d = inputs.optim->discriminator;
  options.device = inputs.device;
  GAN_ASSIGN_OR_RETURN(options.terms, NewLossTerms(*inputs.terms));
  GAN_ASSIGN_OR_RETURN(options.augmentation, NewAugmentation(*inputs.augment));
  options.mixed_precision = inputs.precision->mixed_precision;
  options.loss_scaling = inputs.precision->loss_scaling();
  options.channels_last = inputs.precision->channels_last;
  options.data_parallel = inputs.data_parallel;
  GAN_ASSIGN_OR_RETURN(options.learning_rate_schedule,
                       inputs.optim->ScheduleFor(inputs.total_iterations));
  GAN_RETURN_IF_ERROR(CheckAlternatingUpdaterOptions(options, *inputs.discriminator));
  return std::unique_ptr<Updater>(std::make_unique<AlternatingUpdater>(
      inputs.generator, inputs.discriminator, *inputs.loss->adversarial, std::move(options)));
}

GAN_REGISTER_UPDATE_SCHEME("alternating", ReadAlternatingScheme);

}  // namespace gan
