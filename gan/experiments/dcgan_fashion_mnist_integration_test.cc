// Runs the dcgan_fashion_mnist binary exactly as a user would (flags, run directory) on
// a small Fashion-MNIST-format fixture: a few iterations, the files it must write, finite
// losses, --resume, and clear errors for bad input.
#include <sys/stat.h>
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gan/core/atomic_file.h"
#include "gan/core/run_directory.h"

namespace gan {
namespace {

using ::testing::HasSubstr;

const std::string& Tmp() {
  static const std::string* dir = new std::string(std::getenv("TEST_TMPDIR"));
  return *dir;
}

bool Exists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

struct Result {
  int exit_code;
  std::string output;
};

Result RunBinary(const std::string& flags) {
  const std::string binary =
      std::string(std::getenv("TEST_SRCDIR")) + "/gan/gan/experiments/dcgan_fashion_mnist";
  const std::string log = Tmp() + "/output.txt";
  const int status = std::system((binary + " " + flags + " > " + log + " 2>&1").c_str());
  Result result{WIFEXITED(status) ? WEXITSTATUS(status) : -1, ""};
  EXPECT_TRUE(ReadFile(log, &result.output).ok());
  return result;
}

void WriteIdxGz(const std::string& path, const std::vector<int>& dims,
                const std::vector<uint8_t>& data) {
  std::string bytes = {0, 0, 8, static_cast<char>(dims.size())};
  for (int dim : dims) {
    for (int shift : {24, 16, 8, 0}) bytes.push_back(static_cast<char>((dim >> shift) & 0xff));
  }
  bytes.append(data.begin(), data.end());
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  gzwrite(file, bytes.data(), bytes.size());
  gzclose(file);
}

// 64 "garments": bright rectangles of varying size on black, as Fashion-MNIST IDX files.
std::string MakeFixture() {
  const std::string dir = Tmp() + "/fashion";
  EXPECT_TRUE(MakeDirectories(dir).ok());
  std::vector<uint8_t> pixels(64 * 28 * 28, 0), labels(64);
  for (int i = 0; i < 64; ++i) {
    const int half = 4 + i % 9;
    for (int y = 14 - half; y < 14 + half; ++y) {
      for (int x = 14 - half + i % 3; x < 14 + half; ++x) pixels[i * 784 + y * 28 + x] = 200;
    }
    labels[i] = static_cast<uint8_t>(i % 10);
  }
  WriteIdxGz(dir + "/train-images-idx3-ubyte.gz", {64, 28, 28}, pixels);
  WriteIdxGz(dir + "/train-labels-idx1-ubyte.gz", {64}, labels);
  return dir;
}

std::vector<nlohmann::json> ReadLog(const std::string& path) {
  std::string text;
  EXPECT_TRUE(ReadFile(path, &text).ok()) << path;
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST(DcganFashionMnistTest, TrainsWritesItsRunDirectoryAndResumes) {
  const std::string data = MakeFixture();
  const std::string run = Tmp() + "/run";
  const std::string common = "--data_dir=" + data + " --out_dir=" + run +
                             " --batch_size=16 --threads=1"
                             " --set=model.width=8,output.sample_every=3,output.log_every=2,"
                             "output.checkpoint_every=3";
  Result first = RunBinary(common + " --max_iterations=6");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("64 images of 1x32x32"));
  EXPECT_THAT(first.output, HasSubstr("iter 6/6"));
  EXPECT_THAT(first.output, HasSubstr("--resume"));

  // 4 iterations per epoch: samples at 3 (every 3), 4 (epoch end) and 6 (every 3, end).
  for (const char* name : {"iter_000000003.png", "iter_000000004.png", "iter_000000006.png"}) {
    EXPECT_TRUE(Exists(run + "/samples/" + name)) << name;
  }
  EXPECT_TRUE(Exists(run + "/checkpoints/ckpt_000000006.pt"));
  EXPECT_TRUE(Exists(run + "/config.json"));
  EXPECT_TRUE(Exists(run + "/command.txt"));
  const auto log = ReadLog(run + "/log.jsonl");
  ASSERT_EQ(log.size(), 3u);
  for (size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i]["iteration"], 2 * (i + 1));
    EXPECT_TRUE(std::isfinite(log[i]["loss_d"].get<double>()));
    EXPECT_TRUE(std::isfinite(log[i]["loss_g"].get<double>()));
  }

  // Starting over in the same directory would overwrite work: refused.
  Result again = RunBinary(common + " --max_iterations=6");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.output, HasSubstr("already has checkpoints: pass --resume"));

  Result resumed = RunBinary("--out_dir=" + run + " --resume --max_iterations=8 --threads=1");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_THAT(resumed.output, HasSubstr("resumed from " + run + "/checkpoints/ckpt_000000006.pt"));
  EXPECT_TRUE(Exists(run + "/checkpoints/ckpt_000000008.pt"));
  const auto continued = ReadLog(run + "/log.jsonl");
  ASSERT_EQ(continued.size(), 4u);
  EXPECT_EQ(continued.back()["iteration"], 8);
}

TEST(DcganFashionMnistTest, BadInputFailsBeforeTrainingNamingTheProblem) {
  const std::string data = MakeFixture();
  const std::string run = Tmp() + "/bad_run";
  Result negative = RunBinary("--data_dir=" + data + " --out_dir=" + run + " --batch_size=-4");
  EXPECT_EQ(negative.exit_code, 1);
  EXPECT_THAT(negative.output, HasSubstr("'train.batch_size' must be positive, got -4"));
  Result unknown = RunBinary("--data_dir=" + data + " --out_dir=" + run + " --set=train.lr=1");
  EXPECT_THAT(unknown.output, HasSubstr("unknown config key 'train.lr'"));
  Result missing = RunBinary("--data_dir=" + Tmp() + "/nowhere --out_dir=" + run);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.output, HasSubstr(Tmp() + "/nowhere"));
  EXPECT_FALSE(Exists(run)) << "nothing is written when the input is bad";
  Result nothing = RunBinary("--out_dir=" + Tmp() + "/never_ran --resume");
  EXPECT_THAT(nothing.output, HasSubstr("does not exist"));
}

}  // namespace
}  // namespace gan
