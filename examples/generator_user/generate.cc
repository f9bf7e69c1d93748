// Writes a grid of images from a generator that the toolkit's `export` tool wrote:
//
//   bazel run //:generate -- GENERATOR.pt OUT.png [SEEDS...]
//
// One image per seed (default 0..15), the latent of each drawn from its seed alone;
// conditional generators cycle through their classes.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "gan/core/image_grid.h"
#include "gan/inference/generator.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: generate GENERATOR.pt OUT.png [SEEDS...]\n");
    return 2;
  }
  // bazel run starts programs in the runfiles; relative paths mean the caller's directory.
  const char* caller = std::getenv("BUILD_WORKING_DIRECTORY");
  auto resolve = [&](const std::string& path) {
    return path.empty() || path[0] == '/' || caller == nullptr ? path
                                                               : std::string(caller) + "/" + path;
  };
  std::vector<uint64_t> seeds;
  for (int i = 3; i < argc; ++i) seeds.push_back(std::strtoull(argv[i], nullptr, 10));
  for (uint64_t seed = 0; seeds.size() < 16 && argc == 3; ++seed) seeds.push_back(seed);

  absl::StatusOr<gan::InferenceGenerator> g = gan::InferenceGenerator::Load(resolve(argv[1]));
  if (!g.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(g.status().message()).c_str());
    return 1;
  }
  const torch::Tensor z = g->LatentsFromSeeds(seeds);
  const torch::Tensor labels =
      g->num_classes() > 0
          ? torch::arange(static_cast<int64_t>(seeds.size()), torch::kLong) % g->num_classes()
          : torch::Tensor();
  torch::manual_seed(0);  // noise inputs, where the network has them
  absl::StatusOr<torch::Tensor> images = g->Generate(z, labels);
  absl::Status written =
      images.ok() ? gan::SaveImageGrid(*images, 4, resolve(argv[2])) : images.status();
  if (!written.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(written.message()).c_str());
    return 1;
  }
  std::printf("wrote %lld images of %lldx%lld (%s) to %s\n",
              static_cast<long long>(images->size(0)), static_cast<long long>(g->image_size()),
              static_cast<long long>(g->image_size()),
              g->num_classes() > 0 ? "conditional" : "unconditional", resolve(argv[2]).c_str());
  return 0;
}
