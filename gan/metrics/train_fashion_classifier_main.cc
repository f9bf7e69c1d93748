// `train_fashion_classifier`: trains the fmnist-classifier feature extractor on the
// Fashion-MNIST train split, reports its accuracy on the test split after every epoch and
// writes the weights (atomically) that FID/IS "(fmnist-classifier features)" use.
//
//   bazel run //gan/metrics:train_fashion_classifier -- --out=gan/metrics/weights/fashion_mnist_classifier.pt
#include <cstdio>

#include <torch/nn/functional/loss.h>
#include <torch/optim/adam.h>
#include <torch/utils.h>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "gan/core/archive_file.h"
#include "gan/core/run_directory.h"
#include "gan/core/runtime.h"
#include "gan/core/tool_main.h"
#include "gan/core/status_macros.h"
#include "gan/data/batch_loader.h"
#include "gan/data/dataset_source.h"
#include "gan/metrics/fashion_classifier.h"

ABSL_FLAG(std::string, data_dir, "", "Fashion-MNIST directory (default: the Debian package's)");
ABSL_FLAG(std::string, out, "fashion_mnist_classifier.pt", "weights file to write");
ABSL_FLAG(int64_t, epochs, 4, "training epochs");
ABSL_FLAG(int64_t, batch_size, 128, "batch size");
ABSL_FLAG(double, lr, 2e-3, "Adam learning rate (cosine-decayed to 0 over the run)");
ABSL_FLAG(int64_t, seed, 0, "random seed");
ABSL_FLAG(int64_t, threads, 0, "intra-op threads, 0 = all cores");

namespace gan {
namespace {

// Accuracy on `data` (uint8 images scaled to [-1, 1]), in inference mode.
double Accuracy(FashionClassifier& network, const ImageDataset& data) {
  torch::InferenceMode inference;
  network->eval();
  int64_t correct = 0;
  for (int64_t start = 0; start < data.size(); start += 1000) {
    const int64_t end = std::min(start + 1000, data.size());
    const torch::Tensor images = data.images.slice(0, start, end).to(torch::kFloat) / 127.5 - 1;
    correct += (network->forward(images).argmax(1) == data.labels.slice(0, start, end))
                   .sum()
                   .item<int64_t>();
  }
  network->train();
  return static_cast<double>(correct) / data.size();
}

absl::Status Run() {
  SetThreadCount(static_cast<int>(absl::GetFlag(FLAGS_threads)));
  SeedEverything(static_cast<uint64_t>(absl::GetFlag(FLAGS_seed)));
  DataOptions options;
  options.dir = ResolveUserPath(absl::GetFlag(FLAGS_data_dir));
  options.random_flip = true;  // garments are left-right symmetric enough
  GAN_ASSIGN_OR_RETURN(ImageDataset train, LoadDataset(options));
  options.split = "test";
  GAN_ASSIGN_OR_RETURN(ImageDataset test, LoadDataset(options));

  FashionClassifier network;
  torch::optim::Adam optimizer(network->parameters(),
                               torch::optim::AdamOptions(absl::GetFlag(FLAGS_lr)));
  BatchLoaderOptions loader_options;
  loader_options.batch_size = absl::GetFlag(FLAGS_batch_size);
  loader_options.seed = static_cast<uint64_t>(absl::GetFlag(FLAGS_seed));
  BatchLoader loader(train, MakeTransforms(options), loader_options);
  const int64_t epochs = absl::GetFlag(FLAGS_epochs);
  const int64_t total = epochs * loader.batches_per_epoch();
  int64_t step = 0;
  for (int64_t epoch = 0; epoch < epochs; ++epoch) {
    loader.StartEpoch(epoch);
    double loss_sum = 0;
    while (std::optional<Batch> batch = loader.Next()) {
      const double lr = 0.5 * absl::GetFlag(FLAGS_lr) * (1 + std::cos(M_PI * step / total));
      for (auto& group : optimizer.param_groups()) {
        static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
      }
      const torch::Tensor loss =
          torch::nn::functional::cross_entropy(network->forward(batch->images), batch->labels);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>();
      ++step;
    }
    std::printf("epoch %lld: train loss %.4f, test accuracy %.4f\n",
                static_cast<long long>(epoch + 1), loss_sum / loader.batches_per_epoch(),
                Accuracy(network, test));
    std::fflush(stdout);
  }
  const std::string out = ResolveUserPath(absl::GetFlag(FLAGS_out));
  torch::serialize::OutputArchive archive;
  network->save(archive);
  GAN_RETURN_IF_ERROR(WriteArchiveAtomically(out, archive));
  std::printf("test accuracy %.4f on %lld images; weights written to %s\n",
              Accuracy(network, test), static_cast<long long>(test.size()), out.c_str());
  return absl::OkStatus();
}

}  // namespace
}  // namespace gan

int main(int argc, char** argv) {
  return gan::RunTool(argc, argv,
                      "Trains the Fashion-MNIST classifier used as a metric feature extractor.",
                      gan::Run);
}
