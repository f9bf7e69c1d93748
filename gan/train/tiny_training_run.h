// A tiny training run for tests of the trainer, its extensions and checkpoints: a DCGAN
// for 32x32 images trained with BCE on 40 random 28x28 images (padded to 32) in batches of
// 8, with the updater options a test asks for.
#ifndef GAN_TRAIN_TINY_TRAINING_RUN_H_
#define GAN_TRAIN_TINY_TRAINING_RUN_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gan/data/batch_loader.h"
#include "gan/networks/dcgan/dcgan.h"
#include "gan/train/alternating_updater.h"

namespace gan {

// $TEST_TMPDIR/name, created.
std::string TestDir(const std::string& name);

// 40 random 28x28 one-channel images (seed 100).
ImageDataset TinyData();

struct TinyRun {
  std::shared_ptr<DcganGenerator> g;
  std::shared_ptr<DcganDiscriminator> d;
  std::unique_ptr<AlternatingUpdater> updater;
  std::unique_ptr<BatchLoader> loader;
  std::shared_ptr<Augmentation> augmentation;  // the updater's, if any
};

// Weights drawn after torch::manual_seed(seed); the loader shuffles with `seed` too.
TinyRun MakeTinyRun(uint64_t seed = 1, AlternatingUpdaterOptions options = {});

// A module's parameters, then its buffers, as copies.
std::vector<torch::Tensor> State(torch::nn::Module& module);

}  // namespace gan

#endif  // GAN_TRAIN_TINY_TRAINING_RUN_H_
