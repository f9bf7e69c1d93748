// Writes the checkpoint fuzzer's seed: a real checkpoint of MakeTinyUpdater() after two
// iterations (so Adam's moments and the moving average are populated).
//   bazel run //gan/fuzz:write_checkpoint_seed -- $PWD/gan/fuzz/corpus/checkpoint/seed.pt
#include <cstdio>

#include "gan/checkpoint/checkpoint.h"
#include "gan/fuzz/tiny_updater.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: write_checkpoint_seed OUTPUT.pt\n");
    return 2;
  }
  auto updater = gan::MakeTinyUpdater();
  const gan::Batch batch{torch::rand({2, 1, 32, 32}) * 2 - 1, torch::Tensor()};
  gan::TrainingState state;
  for (; state.iteration < 2; ++state.iteration) updater->Update(batch, state.iteration);
  const absl::Status saved =
      gan::SaveCheckpoint(argv[1], *updater, state, gan::kTinyUpdaterFingerprint);
  if (!saved.ok()) {
    std::fprintf(stderr, "%s\n", saved.ToString().c_str());
    return 1;
  }
  return 0;
}
