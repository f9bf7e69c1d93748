#include "gan/train/auxiliary_state.h"

#include <sstream>
#include <utility>

namespace gan {

AuxiliaryState::AuxiliaryState(std::vector<NamedLossTerm> terms,
                               std::shared_ptr<Augmentation> augmentation)
    : terms_(std::move(terms)), augmentation_(std::move(augmentation)) {
  torch::serialize::OutputArchive archive;
  Save(archive);
  std::ostringstream bytes;
  archive.save_to(bytes);
  torch::serialize::InputArchive state;
  std::istringstream in(bytes.str());
  state.load_from(in);
  empty_ = state.keys().empty();
}

void AuxiliaryState::Save(torch::serialize::OutputArchive& archive) const {
  for (const NamedLossTerm& named : terms_) named.term->Save(archive, "terms/" + named.name + "/");
  if (augmentation_) augmentation_->Save(archive, "augment/");
}

void AuxiliaryState::Load(torch::serialize::InputArchive& archive) {
  for (const NamedLossTerm& named : terms_) named.term->Load(archive, "terms/" + named.name + "/");
  if (augmentation_) augmentation_->Load(archive, "augment/");
}

std::string AuxiliaryState::Copy() const {
  if (empty_) return std::string();
  torch::serialize::OutputArchive archive;
  Save(archive);
  std::ostringstream bytes;
  archive.save_to(bytes);
  return bytes.str();
}

void AuxiliaryState::Restore(const std::string& bytes) {
  if (empty_) return;
  torch::serialize::InputArchive archive;
  std::istringstream in(bytes);
  archive.load_from(in);
  Load(archive);
}

}  // namespace gan
