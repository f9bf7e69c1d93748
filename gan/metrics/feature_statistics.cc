#include "gan/metrics/feature_statistics.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gan/core/atomic_file.h"
#include "gan/core/file_hash.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "statistics files store raw little-endian float64");

namespace gan {
namespace {

constexpr char kMagicLine[] = "gan-feature-statistics 1";
constexpr char kLayout[] =
    "mean[dim] then comoment[dim*dim] row-major, raw float64; covariance = comoment / "
    "(count - 1)";

bool FileExists(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

// Keeps [A-Za-z0-9.-], turns every other run of characters into one '-', trims '-' at
// both ends and cuts to `max_length`.
std::string Sanitize(const std::string& text, size_t max_length) {
  std::string out;
  for (const char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '.' || c == '-';
    if (keep) {
      out.push_back(c);
    } else if (!out.empty() && out.back() != '-') {
      out.push_back('-');
    }
  }
  if (out.size() > max_length) out.resize(max_length);
  while (!out.empty() && (out.back() == '-' || out.back() == '.')) out.pop_back();
  return out.empty() ? "none" : out;
}

// A [D] or [D, D] float64 CPU tensor from raw bytes.
torch::Tensor TensorFromBytes(const char* bytes, std::vector<int64_t> shape) {
  torch::Tensor t = torch::empty(shape, torch::kDouble);
  std::memcpy(t.data_ptr<double>(), bytes, t.numel() * sizeof(double));
  return t;
}

}  // namespace

std::string StatisticsKey::ToJson() const {
  // nlohmann::json objects are std::maps, so keys come out sorted: one canonical text.
  nlohmann::json object = {
      {"dataset", dataset}, {"split", split}, {"extractor", extractor}, {"resize", resize}};
  return object.dump();
}

bool StatisticsKey::operator==(const StatisticsKey& other) const {
  return dataset == other.dataset && split == other.split && extractor == other.extractor &&
         resize == other.resize;
}

FeatureStatistics::FeatureStatistics(int64_t dim) : dim_(dim) {
  TORCH_CHECK(dim > 0, "FeatureStatistics: dim must be > 0, got ", dim);
}

void FeatureStatistics::Add(const torch::Tensor& features) {
  TORCH_CHECK(features.defined(), "FeatureStatistics::Add: features are undefined");
  TORCH_CHECK(features.dim() == 2, "FeatureStatistics::Add: features must be [B, D], got ",
              features.sizes());
  TORCH_CHECK(at::isFloatingType(features.scalar_type()),
              "FeatureStatistics::Add: features must be floating point, got ",
              features.scalar_type());
  TORCH_CHECK(dim_ < 0 || features.size(1) == dim_, "FeatureStatistics::Add: features must be [B, ",
              dim_, "] like the earlier batches, got ", features.sizes());
  TORCH_CHECK(features.size(1) > 0, "FeatureStatistics::Add: features must have D > 0, got ",
              features.sizes());
  const int64_t batch = features.size(0);
  if (batch == 0) return;
  torch::NoGradGuard no_grad;
  torch::Tensor x = features.detach().to(torch::kDouble);
  if (mean_.defined()) x = x.to(mean_.device());
  FeatureStatistics batch_statistics;
  batch_statistics.dim_ = x.size(1);
  batch_statistics.count_ = batch;
  batch_statistics.mean_ = x.mean(0);
  const torch::Tensor centered = x - batch_statistics.mean_;
  batch_statistics.comoment_ = torch::mm(centered.t(), centered);
  Merge(batch_statistics);
}

void FeatureStatistics::Merge(const FeatureStatistics& other) {
  if (other.count_ == 0) return;
  TORCH_CHECK(dim_ < 0 || other.dim_ == dim_, "FeatureStatistics::Merge: cannot merge ",
              other.dim_, "-d statistics into ", dim_, "-d ones");
  torch::NoGradGuard no_grad;
  if (count_ == 0) {
    dim_ = other.dim_;
    count_ = other.count_;
    mean_ = other.mean_.clone();
    comoment_ = other.comoment_.clone();
    return;
  }
  // Chan, Golub & LeVeque: with n = n_a + n_b and delta = mean_b - mean_a,
  //   mean = mean_a + delta n_b / n,  M = M_a + M_b + delta delta^T n_a n_b / n.
  const double n_a = static_cast<double>(count_);
  const double n_b = static_cast<double>(other.count_);
  const double n = n_a + n_b;
  const torch::Tensor other_mean = other.mean_.to(mean_.device());
  const torch::Tensor delta = other_mean - mean_;
  // Out of place, so tensors handed out earlier (mean(), comoment()) keep their values.
  mean_ = mean_ + delta * (n_b / n);
  comoment_ = comoment_ + other.comoment_.to(comoment_.device());
  comoment_.addr_(delta, delta, /*beta=*/1.0, /*alpha=*/n_a * n_b / n);
  count_ += other.count_;
}

torch::Tensor FeatureStatistics::mean() const {
  TORCH_CHECK(count_ >= 1, "FeatureStatistics::mean: no samples were added");
  return mean_;
}

torch::Tensor FeatureStatistics::covariance() const {
  TORCH_CHECK(count_ >= 2, "FeatureStatistics::covariance: needs at least 2 samples, have ",
              count_);
  return comoment_ / static_cast<double>(count_ - 1);
}

FeatureStatistics FeatureStatistics::FromState(int64_t count, const torch::Tensor& mean,
                                               const torch::Tensor& comoment) {
  TORCH_CHECK(count >= 1, "FeatureStatistics::FromState: count must be >= 1, got ", count);
  TORCH_CHECK(mean.dim() == 1 && mean.size(0) > 0,
              "FeatureStatistics::FromState: mean must be [D], got ", mean.sizes());
  const int64_t d = mean.size(0);
  TORCH_CHECK(comoment.dim() == 2 && comoment.size(0) == d && comoment.size(1) == d,
              "FeatureStatistics::FromState: comoment must be [", d, ", ", d, "], got ",
              comoment.sizes());
  FeatureStatistics s;
  s.dim_ = d;
  s.count_ = count;
  s.mean_ = mean.detach().to(torch::kCPU, torch::kDouble).clone();
  s.comoment_ = comoment.detach().to(torch::kCPU, torch::kDouble).clone();
  return s;
}

absl::Status FeatureStatistics::Save(const std::string& path, const StatisticsKey& key) const {
  if (count_ == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot save statistics to '", path, "': no samples were added"));
  }
  const nlohmann::json metadata = {
      {"dataset", key.dataset},   {"split", key.split},        {"extractor", key.extractor},
      {"resize", key.resize},     {"count", count_},           {"dim", dim_},
      {"dtype", "float64"},       {"byte_order", "little"},    {"layout", kLayout}};
  const std::string header = absl::StrCat(kMagicLine, "\n", metadata.dump(), "\n");
  const torch::Tensor mean = mean_.to(torch::kCPU).contiguous();
  const torch::Tensor comoment = comoment_.to(torch::kCPU).contiguous();
  return WriteAtomically(path, [&](const std::string& temporary) {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(reinterpret_cast<const char*>(mean.data_ptr<double>()),
              static_cast<std::streamsize>(mean.numel() * sizeof(double)));
    out.write(reinterpret_cast<const char*>(comoment.data_ptr<double>()),
              static_cast<std::streamsize>(comoment.numel() * sizeof(double)));
    out.close();
    if (!out) {
      return absl::InternalError(
          absl::StrCat("cannot write statistics to '", temporary, "': ", std::strerror(errno)));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<StoredStatistics> ReadStatisticsFile(const std::string& path) {
  if (!FileExists(path)) {
    return absl::NotFoundError(absl::StrCat("no statistics file '", path, "'"));
  }
  std::string contents;
  const absl::Status read = ReadFile(path, &contents);
  if (!read.ok()) return read;
  auto bad = [&path](const std::string& what) {
    return absl::DataLossError(absl::StrCat("statistics file '", path, "': ", what));
  };
  const size_t first_newline = contents.find('\n');
  if (first_newline == std::string::npos || contents.compare(0, first_newline, kMagicLine) != 0) {
    return bad(absl::StrCat("not a statistics file (expected the first line '", kMagicLine,
                            "')"));
  }
  const size_t second_newline = contents.find('\n', first_newline + 1);
  if (second_newline == std::string::npos) return bad("truncated metadata line");
  const nlohmann::json metadata = nlohmann::json::parse(
      contents.begin() + first_newline + 1, contents.begin() + second_newline, nullptr,
      /*allow_exceptions=*/false);
  if (metadata.is_discarded() || !metadata.is_object()) {
    return bad("the metadata line is not a JSON object");
  }
  StoredStatistics stored;
  std::string* const strings[] = {&stored.key.dataset, &stored.key.split, &stored.key.extractor,
                                  &stored.key.resize};
  const char* const string_fields[] = {"dataset", "split", "extractor", "resize"};
  for (int i = 0; i < 4; ++i) {
    const auto it = metadata.find(string_fields[i]);
    if (it == metadata.end() || !it->is_string()) {
      return bad(absl::StrCat("metadata field '", string_fields[i], "' must be a string"));
    }
    *strings[i] = it->get<std::string>();
  }
  for (const char* field : {"count", "dim"}) {
    const auto it = metadata.find(field);
    if (it == metadata.end() || !it->is_number_integer() || it->get<int64_t>() < 1) {
      return bad(absl::StrCat("metadata field '", field, "' must be an integer >= 1"));
    }
  }
  if (metadata.value("dtype", "") != "float64" || metadata.value("byte_order", "") != "little") {
    return bad("expected dtype \"float64\" and byte_order \"little\"");
  }
  const int64_t count = metadata["count"].get<int64_t>();
  const int64_t dim = metadata["dim"].get<int64_t>();
  const size_t payload = contents.size() - second_newline - 1;
  const size_t expected = static_cast<size_t>(dim + dim * dim) * sizeof(double);
  if (payload != expected) {
    return bad(absl::StrCat("expected ", expected, " bytes of float64 data for dim ", dim,
                            ", found ", payload));
  }
  const char* data = contents.data() + second_newline + 1;
  stored.statistics = FeatureStatistics::FromState(
      count, TensorFromBytes(data, {dim}),
      TensorFromBytes(data + dim * sizeof(double), {dim, dim}));
  return stored;
}

absl::StatusOr<FeatureStatistics> LoadStatistics(const std::string& path,
                                                 const StatisticsKey& expected_key) {
  absl::StatusOr<StoredStatistics> stored = ReadStatisticsFile(path);
  if (!stored.ok()) return stored.status();
  const StatisticsKey& key = stored->key;
  if (key != expected_key) {
    std::vector<std::string> differences;
    auto compare = [&](const char* field, const std::string& found, const std::string& wanted) {
      if (found != wanted) {
        differences.push_back(
            absl::StrCat(field, " is \"", found, "\", expected \"", wanted, "\""));
      }
    };
    compare("dataset", key.dataset, expected_key.dataset);
    compare("split", key.split, expected_key.split);
    compare("extractor", key.extractor, expected_key.extractor);
    compare("resize", key.resize, expected_key.resize);
    return absl::FailedPreconditionError(
        absl::StrCat("statistics file '", path, "' was computed for another key: ",
                     absl::StrJoin(differences, "; "), " (stored ", key.ToJson(), ", expected ",
                     expected_key.ToJson(), ")"));
  }
  return std::move(stored->statistics);
}

std::string ReferenceStatisticsPath(const std::string& cache_dir, const StatisticsKey& key) {
  std::string name = absl::StrCat(Sanitize(key.dataset, 40), "_", Sanitize(key.split, 20), "_",
                                  Sanitize(key.extractor, 48));
  if (!key.resize.empty()) absl::StrAppend(&name, "_", Sanitize(key.resize, 24));
  const std::string hash = ContentHash(key.ToJson());  // "fnv1a64:<16 hex digits>"
  absl::StrAppend(&name, "_", hash.substr(hash.find(':') + 1), ".stats");
  if (cache_dir.empty()) return name;
  return cache_dir.back() == '/' ? absl::StrCat(cache_dir, name)
                                 : absl::StrCat(cache_dir, "/", name);
}

std::string ReferenceStatisticsPath(const std::string& cache_dir, const std::string& dataset,
                                    const std::string& split, const std::string& extractor_name,
                                    const std::string& resize) {
  return ReferenceStatisticsPath(cache_dir, StatisticsKey{dataset, split, extractor_name, resize});
}

absl::StatusOr<FeatureStatistics> LoadOrComputeStatistics(
    const std::string& path, const StatisticsKey& key,
    const std::function<absl::StatusOr<FeatureStatistics>()>& compute) {
  if (FileExists(path)) return LoadStatistics(path, key);
  absl::StatusOr<FeatureStatistics> computed = compute();
  if (!computed.ok()) return computed.status();
  const absl::Status saved = computed->Save(path, key);
  if (!saved.ok()) return saved;
  return computed;
}

}  // namespace gan
