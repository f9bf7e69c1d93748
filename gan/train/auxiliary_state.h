// The state that a step's loss terms and augmentation keep besides the networks (LeCam's
// moving averages, ADA's p): checkpointed under "terms/<name>/" and "augment/", and taken
// as bytes to undo a step that must not have reached it (a skipped non-finite step, an
// unrolled look-ahead).
#ifndef GAN_TRAIN_AUXILIARY_STATE_H_
#define GAN_TRAIN_AUXILIARY_STATE_H_

#include <memory>
#include <string>
#include <vector>

#include <torch/serialize/archive.h>

#include "gan/augment/augmentation.h"
#include "gan/losses/terms/loss_term.h"

namespace gan {

class AuxiliaryState {
 public:
  // `augmentation` may be null.
  AuxiliaryState(std::vector<NamedLossTerm> terms,
                 std::shared_ptr<Augmentation> augmentation);

  void Save(torch::serialize::OutputArchive& archive) const;
  void Load(torch::serialize::InputArchive& archive);

  // Whether there is any (found once): only then is it worth copying to undo a step.
  bool empty() const { return empty_; }
  // The state as bytes ("" when empty), and back.
  std::string Copy() const;
  void Restore(const std::string& bytes);

 private:
  std::vector<NamedLossTerm> terms_;
  std::shared_ptr<Augmentation> augmentation_;
  bool empty_ = true;
};

}  // namespace gan

#endif  // GAN_TRAIN_AUXILIARY_STATE_H_
