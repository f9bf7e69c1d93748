#include "gan/outputs/tensorboard.h"

#include <dirent.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gan/core/atomic_file.h"

namespace gan {
namespace {

// Protocol buffer wire format: just what Event, Summary, Summary.Value and
// Summary.Image need.
void Varint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}
void Key(int field, int wire_type, std::string* out) { Varint((field << 3) | wire_type, out); }
void VarintField(int field, uint64_t value, std::string* out) {
  Key(field, 0, out);
  Varint(value, out);
}
void BytesField(int field, absl::string_view bytes, std::string* out) {
  Key(field, 2, out);
  Varint(bytes.size(), out);
  out->append(bytes.data(), bytes.size());
}
template <typename T>
void FixedField(int field, int wire_type, T value, std::string* out) {
  Key(field, wire_type, out);
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));  // little-endian host (x86-64, aarch64)
  out->append(bytes, sizeof(T));
}

std::string LittleEndian(uint64_t value, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  return out;
}

double WallTime() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

uint32_t Crc32c(absl::string_view data) {
  uint32_t crc = 0xffffffffu;
  for (unsigned char byte : data) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
  }
  return ~crc;
}

uint32_t MaskedCrc32c(absl::string_view data) {
  const uint32_t crc = Crc32c(data);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

absl::StatusOr<std::unique_ptr<EventFileWriter>> EventFileWriter::Create(const std::string& dir) {
  char host[256] = "localhost";
  gethostname(host, sizeof(host) - 1);
  std::unique_ptr<EventFileWriter> writer(new EventFileWriter(absl::StrCat(
      dir, "/events.out.tfevents.", static_cast<int64_t>(WallTime()), ".", host)));
  const absl::Status status = writer->WriteEvent(0, "", "brain.Event:2");
  if (!status.ok()) return status;
  return writer;
}

absl::Status EventFileWriter::AddScalar(const std::string& tag, float value, int64_t step) {
  std::string summary_value;
  BytesField(1, tag, &summary_value);
  FixedField(2, 5, value, &summary_value);
  std::string summary;
  BytesField(1, summary_value, &summary);
  return WriteEvent(step, summary, "");
}

absl::Status EventFileWriter::AddPngImage(const std::string& tag, const std::string& png,
                                          int64_t step) {
  if (png.size() < 26 || png.compare(1, 3, "PNG") != 0) {
    return absl::InvalidArgumentError(absl::StrCat("image '", tag, "' is not a PNG"));
  }
  auto big_endian = [&](size_t at) {
    return (static_cast<uint32_t>(static_cast<unsigned char>(png[at])) << 24) |
           (static_cast<uint32_t>(static_cast<unsigned char>(png[at + 1])) << 16) |
           (static_cast<uint32_t>(static_cast<unsigned char>(png[at + 2])) << 8) |
           static_cast<uint32_t>(static_cast<unsigned char>(png[at + 3]));
  };
  const int color_type = static_cast<unsigned char>(png[25]);  // IHDR: 0 gray, 2 RGB, 6 RGBA
  std::string image;
  VarintField(1, big_endian(20), &image);  // height
  VarintField(2, big_endian(16), &image);  // width
  VarintField(3, color_type == 0 ? 1 : color_type == 6 ? 4 : 3, &image);  // channels
  BytesField(4, png, &image);
  std::string summary_value;
  BytesField(1, tag, &summary_value);
  BytesField(4, image, &summary_value);
  std::string summary;
  BytesField(1, summary_value, &summary);
  return WriteEvent(step, summary, "");
}

absl::Status EventFileWriter::WriteEvent(int64_t step, const std::string& summary,
                                         const std::string& version) {
  std::string event;
  FixedField(1, 1, WallTime(), &event);
  VarintField(2, static_cast<uint64_t>(step), &event);
  if (!version.empty()) BytesField(3, version, &event);
  if (!summary.empty()) BytesField(5, summary, &event);
  const std::string length = LittleEndian(event.size(), 8);
  const std::string record = length + LittleEndian(MaskedCrc32c(length), 4) + event +
                             LittleEndian(MaskedCrc32c(event), 4);
  return AppendToFile(path_, record);
}

std::set<std::string> TensorBoardExtension::GridFiles() const {
  std::set<std::string> grids;
  DIR* handle = opendir(samples_dir_.c_str());
  if (handle == nullptr) return grids;
  while (dirent* entry = readdir(handle)) grids.insert(entry->d_name);
  closedir(handle);
  return grids;
}

absl::Status TensorBoardExtension::Start(const TrainingState&) {
  added_grids_ = GridFiles();
  return absl::OkStatus();
}

absl::Status TensorBoardExtension::Run(TrainingState& state) {
  for (const auto& [name, value] : state.logged_losses) {
    const absl::Status status = writer_->AddScalar(name, static_cast<float>(value), state.iteration);
    if (!status.ok()) return status;
  }
  if (state.metrics_iteration > added_metrics_iteration_) {
    for (const auto& [name, value] : state.metrics) {
      const absl::Status status =
          writer_->AddScalar("metrics/" + name, static_cast<float>(value), state.metrics_iteration);
      if (!status.ok()) return status;
    }
    added_metrics_iteration_ = state.metrics_iteration;
  }
  for (const std::string& name : GridFiles()) {
    absl::string_view digits = name;
    int64_t step;
    if (added_grids_.count(name) || !absl::ConsumePrefix(&digits, "iter_") ||
        !absl::ConsumeSuffix(&digits, ".png") || !absl::SimpleAtoi(digits, &step)) {
      continue;
    }
    std::string png;
    absl::Status status = ReadFile(samples_dir_ + "/" + name, &png);
    if (status.ok()) status = writer_->AddPngImage("samples", png, step);
    if (!status.ok()) return status;
    added_grids_.insert(name);
  }
  return absl::OkStatus();
}

}  // namespace gan
