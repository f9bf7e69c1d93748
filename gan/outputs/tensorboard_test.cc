#include "gan/outputs/tensorboard.h"

#include <dirent.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "gan/core/atomic_file.h"
#include "gan/core/image_grid.h"
#include "gan/core/run_directory.h"

namespace gan {
namespace {

// A minimal reader of what the writer wrote: TFRecord framing with CRC checks, then the
// protobuf fields, read independently of the writer's code.
struct Field {
  int number;
  uint64_t varint = 0;
  std::string bytes;  // length-delimited, 32- and 64-bit values
};

uint64_t ReadVarint(const std::string& data, size_t* at) {
  uint64_t value = 0;
  for (int shift = 0;; shift += 7) {
    const unsigned char byte = data[(*at)++];
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return value;
  }
}

std::vector<Field> Parse(const std::string& message) {
  std::vector<Field> fields;
  for (size_t at = 0; at < message.size();) {
    const uint64_t key = ReadVarint(message, &at);
    Field field{static_cast<int>(key >> 3)};
    switch (key & 7) {
      case 0: field.varint = ReadVarint(message, &at); break;
      case 1: field.bytes = message.substr(at, 8), at += 8; break;
      case 5: field.bytes = message.substr(at, 4), at += 4; break;
      case 2: {
        const uint64_t length = ReadVarint(message, &at);
        field.bytes = message.substr(at, length), at += length;
        break;
      }
      default: ADD_FAILURE() << "wire type " << (key & 7);
    }
    fields.push_back(field);
  }
  return fields;
}

const Field& Get(const std::vector<Field>& fields, int number) {
  for (const Field& f : fields) {
    if (f.number == number) return f;
  }
  static const Field missing{-1};
  ADD_FAILURE() << "no field " << number;
  return missing;
}

uint32_t Uint32(const std::string& bytes, size_t at) {
  uint32_t value;
  std::memcpy(&value, bytes.data() + at, 4);
  return value;
}

std::vector<std::string> Records(const std::string& file) {
  std::vector<std::string> records;
  for (size_t at = 0; at < file.size();) {
    uint64_t length;
    std::memcpy(&length, file.data() + at, 8);
    EXPECT_EQ(Uint32(file, at + 8), MaskedCrc32c(file.substr(at, 8)));
    const std::string data = file.substr(at + 12, length);
    EXPECT_EQ(Uint32(file, at + 12 + length), MaskedCrc32c(data));
    records.push_back(data);
    at += 12 + length + 4;
  }
  return records;
}

TEST(Crc32cTest, MatchesTheStandardCheckValue) {
  EXPECT_EQ(Crc32c("123456789"), 0xe3069283u);  // CRC-32C check value (RFC 3720)
  EXPECT_EQ(Crc32c(""), 0u);
}

TEST(EventFileWriterTest, WritesVersionScalarAndImageEvents) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/events";
  ASSERT_TRUE(MakeDirectories(dir).ok());
  auto writer = EventFileWriter::Create(dir);
  ASSERT_TRUE(writer.ok()) << writer.status();
  EXPECT_NE((*writer)->path().find("/events.out.tfevents."), std::string::npos);
  ASSERT_TRUE((*writer)->AddScalar("loss_d", 0.625f, 300).ok());
  const std::string png_path = dir + "/grid.png";
  ASSERT_TRUE(SaveImageGrid(torch::zeros({2, 3, 8, 8}), 2, png_path).ok());
  std::string png;
  ASSERT_TRUE(ReadFile(png_path, &png).ok());
  ASSERT_TRUE((*writer)->AddPngImage("samples", png, 400).ok());

  std::string file;
  ASSERT_TRUE(ReadFile((*writer)->path(), &file).ok());
  const std::vector<std::string> records = Records(file);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(Get(Parse(records[0]), 3).bytes, "brain.Event:2");

  const auto scalar_event = Parse(records[1]);
  EXPECT_EQ(Get(scalar_event, 2).varint, 300u);  // step
  const auto value = Parse(Get(Parse(Get(scalar_event, 5).bytes), 1).bytes);
  EXPECT_EQ(Get(value, 1).bytes, "loss_d");
  float simple_value;
  std::memcpy(&simple_value, Get(value, 2).bytes.data(), 4);
  EXPECT_EQ(simple_value, 0.625f);

  const auto image_event = Parse(records[2]);
  EXPECT_EQ(Get(image_event, 2).varint, 400u);
  const auto image_value = Parse(Get(Parse(Get(image_event, 5).bytes), 1).bytes);
  EXPECT_EQ(Get(image_value, 1).bytes, "samples");
  const auto image = Parse(Get(image_value, 4).bytes);
  EXPECT_EQ(Get(image, 1).varint, 12u);  // 8 + 2 * 2 padding
  EXPECT_EQ(Get(image, 2).varint, 22u);  // 2 * 8 + 3 * 2
  EXPECT_EQ(Get(image, 3).varint, 3u);
  EXPECT_EQ(Get(image, 4).bytes, png);

  EXPECT_FALSE((*writer)->AddPngImage("bad", "not a png at all, really not", 1).ok());
}

// The scalar events of a file as (tag, step, value).
std::vector<std::tuple<std::string, uint64_t, float>> Scalars(const std::string& path) {
  std::string file;
  EXPECT_TRUE(ReadFile(path, &file).ok());
  std::vector<std::tuple<std::string, uint64_t, float>> scalars;
  const std::vector<std::string> records = Records(file);
  for (size_t i = 1; i < records.size(); ++i) {
    const auto event = Parse(records[i]);
    const auto value = Parse(Get(Parse(Get(event, 5).bytes), 1).bytes);
    float simple_value;
    std::memcpy(&simple_value, Get(value, 2).bytes.data(), 4);
    scalars.emplace_back(Get(value, 1).bytes, Get(event, 2).varint, simple_value);
  }
  return scalars;
}

TEST(TensorBoardExtensionTest, AddsEachEvaluationOnceAtItsIteration) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/metrics_events";
  ASSERT_TRUE(MakeDirectories(dir + "/samples").ok());
  auto writer = EventFileWriter::Create(dir);
  ASSERT_TRUE(writer.ok()) << writer.status();
  const std::string path = (*writer)->path();
  TensorBoardExtension extension(std::move(*writer), dir + "/samples");
  TrainingState state;
  ASSERT_TRUE(extension.Start(state).ok());
  state.iteration = 100;
  state.logged_losses = {{"loss_d", 0.5}};
  state.metrics = {{"fid", 12.5}, {"is", 3.25}};
  state.metrics_iteration = 90;  // evaluated at 90, logged at the next TensorBoard step
  ASSERT_TRUE(extension.Run(state).ok());
  state.iteration = 200;
  ASSERT_TRUE(extension.Run(state).ok());  // same evaluation: not added again
  using Scalar = std::tuple<std::string, uint64_t, float>;
  EXPECT_EQ(Scalars(path), (std::vector<Scalar>{{"loss_d", 100, 0.5f},
                                                {"metrics/fid", 90, 12.5f},
                                                {"metrics/is", 90, 3.25f},
                                                {"loss_d", 200, 0.5f}}));
}

}  // namespace
}  // namespace gan
