// Checkpoint reader: any bytes as a checkpoint file give an error status naming the file,
// or a checkpoint that loads completely and can be trained from. Nothing may crash or
// throw, in this toolkit or inside LibTorch's archive reader.
#include <cstddef>
#include <cstdint>

#include "gan/checkpoint/checkpoint.h"
#include "gan/fuzz/fuzz_files.h"
#include "gan/fuzz/tiny_updater.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static gan::EmaUpdater* updater = gan::MakeTinyUpdater().release();
  const std::string path = gan::WriteFuzzFile("ckpt_000000001.pt", data, size);
  (void)gan::LoadCheckpointGenerator(path, *updater->sampling_generator(), true);
  absl::StatusOr<std::string> fingerprint = gan::ReadCheckpointFingerprint(path);
  if (!fingerprint.ok()) return 0;
  gan::TrainingState state;
  if (!gan::LoadCheckpoint(path, *updater, state, *fingerprint).ok()) return 0;
  // A checkpoint that loads must train: one iteration on a fixed batch.
  const gan::Batch batch{torch::zeros({2, 1, 32, 32}), torch::Tensor()};
  (void)updater->Update(batch, state.iteration);
  return 0;
}
