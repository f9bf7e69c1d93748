// TensorBoard event files without TensorFlow or a protobuf library: a TFRecord file of
// Event messages whose few fields (wall time, step, scalar and PNG image summaries) are
// encoded by hand. `tensorboard --logdir runs/` shows the losses, metrics and sample grids.
//
//   auto writer = *gan::EventFileWriter::Create(run_dir);
//   GAN_RETURN_IF_ERROR(writer->AddScalar("loss_d", 0.7f, step));
#ifndef GAN_OUTPUTS_TENSORBOARD_H_
#define GAN_OUTPUTS_TENSORBOARD_H_

#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gan/train/extension.h"

namespace gan {

// CRC-32C (Castagnoli), and the masked form TFRecord stores.
uint32_t Crc32c(absl::string_view data);
uint32_t MaskedCrc32c(absl::string_view data);

class EventFileWriter {
 public:
  // Creates <dir>/events.out.tfevents.<unix seconds>.<host> with its version record.
  static absl::StatusOr<std::unique_ptr<EventFileWriter>> Create(const std::string& dir);

  absl::Status AddScalar(const std::string& tag, float value, int64_t step);
  // `png`: the file's bytes; its size is read from the PNG header.
  absl::Status AddPngImage(const std::string& tag, const std::string& png, int64_t step);

  const std::string& path() const { return path_; }

 private:
  explicit EventFileWriter(std::string path) : path_(std::move(path)) {}
  // Appends one TFRecord holding an Event with `summary` (or `version`) and closes the file.
  absl::Status WriteEvent(int64_t step, const std::string& summary, const std::string& version);

  std::string path_;
};

// Adds the logged loss means (state.logged_losses, so it runs after the loss log) as
// scalars, the newest evaluation's metrics (state.metrics) as "metrics/<name>" scalars at
// the iteration they were computed, and every sample grid not yet added as an image.
// Grids that exist when training starts (a resumed run) are not added again.
class TensorBoardExtension : public Extension {
 public:
  TensorBoardExtension(std::unique_ptr<EventFileWriter> writer, std::string samples_dir)
      : writer_(std::move(writer)), samples_dir_(std::move(samples_dir)) {}
  std::string name() const override { return "tensorboard"; }
  absl::Status Start(const TrainingState& state) override;
  absl::Status Run(TrainingState& state) override;

 private:
  std::unique_ptr<EventFileWriter> writer_;
  std::string samples_dir_;
  std::set<std::string> added_grids_;
  int64_t added_metrics_iteration_ = -1;

  std::set<std::string> GridFiles() const;
};

}  // namespace gan

#endif  // GAN_OUTPUTS_TENSORBOARD_H_
