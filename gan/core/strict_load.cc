#include "gan/core/strict_load.h"

#include <memory>
#include <set>
#include <utility>
#include <vector>

#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/rmsprop.h>
#include <torch/optim/sgd.h>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "gan/core/torch_compat.h"

namespace gan {
namespace {

using torch::optim::OptimizerParamState;
using ParamStates = ska::flat_hash_map<OptimizerStateKey, std::unique_ptr<OptimizerParamState>>;

// The archive reader trusts a tensor record's sizes, strides and offset; its storage may be
// shorter (found by gan/fuzz:checkpoint_fuzzer). Computed without overflow, since the
// numbers come from the file.
void CheckStorage(const torch::Tensor& tensor, const std::string& what, const std::string& name) {
  if (!tensor.defined()) return;
  TORCH_CHECK(tensor.layout() == torch::kStrided, what, " tensor '", name,
              "' is not a dense tensor");
  if (tensor.numel() == 0) return;
  int64_t last = tensor.storage_offset();
  bool fits = last >= 0;
  for (int64_t d = 0; fits && d < tensor.dim(); ++d) {
    int64_t step;
    fits = tensor.stride(d) >= 0 &&
           !__builtin_mul_overflow(tensor.size(d) - 1, tensor.stride(d), &step) &&
           !__builtin_add_overflow(last, step, &last);
  }
  int64_t needed = 0;
  fits = fits && !__builtin_mul_overflow(last + 1, static_cast<int64_t>(tensor.element_size()),
                                         &needed);
  const int64_t stored = tensor.has_storage() && tensor.storage().data() != nullptr
                             ? static_cast<int64_t>(tensor.storage().nbytes())
                             : 0;
  TORCH_CHECK(fits && stored >= needed, what, " tensor '", name, "' has ", stored,
              " bytes of data in the checkpoint, which its shape ", tensor.sizes(),
              ", strides ", tensor.strides(), " and offset ", tensor.storage_offset(),
              " do not fit");
}

// Checks that a stored tensor can take the place of `like`: same shape and dtype, and as
// much storage as its shape needs.
void CheckLike(const torch::Tensor& stored, const torch::Tensor& like, const std::string& what,
               const std::string& name, const char* expecter) {
  TORCH_CHECK(stored.sizes() == like.sizes(), what, " tensor '", name, "' has shape ",
              stored.sizes(), " in the checkpoint, ", expecter, " expects ", like.sizes());
  TORCH_CHECK(stored.scalar_type() == like.scalar_type(), what, " tensor '", name, "' is ",
              stored.scalar_type(), " in the checkpoint, ", expecter, " expects ",
              like.scalar_type());
  CheckStorage(stored, what, name);
}

// A checked stored tensor copied into fresh memory like `like`'s (device, memory format),
// without autograd history whatever the file says about requires_grad.
torch::Tensor CheckedCopyLike(const torch::Tensor& stored, const torch::Tensor& like,
                              const std::string& what, const std::string& name,
                              const char* expecter) {
  CheckLike(stored, like, what, name, expecter);
  torch::NoGradGuard no_grad;
  torch::Tensor copy = torch::empty_like(like, at::MemoryFormat::Preserve);
  copy.copy_(stored);
  return copy;
}

// Reads `module`'s parameters and buffers, and its children's, as Module::save wrote them
// (one sub-archive per child), pairing each target tensor with its checked stored value
// (copied in only once all are checked).
void ReadModuleTensors(torch::nn::Module& module, torch::serialize::InputArchive& archive,
                       const std::string& what, const std::string& prefix,
                       std::vector<std::pair<torch::Tensor, torch::Tensor>>& pairs) {
  auto read = [&](const std::string& key, const torch::Tensor& target) {
    if (!target.defined()) return;
    const std::string name = prefix + key;
    torch::Tensor stored;
    TORCH_CHECK(archive.try_read(key, stored), what, " tensor '", name,
                "' is not in the checkpoint");
    CheckLike(stored, target, what, name, "the network");
    pairs.emplace_back(target, stored);
  };
  for (const auto& item : module.named_parameters(/*recurse=*/false)) read(item.key(), item.value());
  for (const auto& item : module.named_buffers(/*recurse=*/false)) read(item.key(), item.value());
  for (const auto& child : module.named_children()) {
    if (!child.value()->is_serializable()) continue;
    torch::serialize::InputArchive child_archive;
    TORCH_CHECK(archive.try_read(child.key(), child_archive), what, " module '", prefix,
                child.key(), "' is not in the checkpoint");
    ReadModuleTensors(*child.value(), child_archive, what, prefix + child.key() + ".", pairs);
  }
}

// One parameter's state record: Optimizer::save writes `step` as an int and each defined
// state tensor under its name.
class ParamStateReader {
 public:
  ParamStateReader(torch::serialize::InputArchive& archive, const torch::Tensor& parameter,
                   std::string where)
      : archive_(archive), parameter_(parameter), where_(std::move(where)) {}

  int64_t Step() {
    c10::IValue step;
    TORCH_CHECK(archive_.try_read("step", step), where_, " has no 'step'");
    TORCH_CHECK(step.isInt() && step.toInt() >= 0, where_,
                " 'step' is not a non-negative integer: ", step.tagKind());
    return step.toInt();
  }

  torch::Tensor Tensor(const std::string& name, bool required) {
    c10::IValue value;
    if (!archive_.try_read(name, value)) {
      TORCH_CHECK(!required, where_, " has no '", name, "'");
      return {};
    }
    TORCH_CHECK(value.isTensor(), where_, " '", name, "' is a ", value.tagKind(),
                ", not a tensor");
    return CheckedCopyLike(value.toTensor(), parameter_, where_, name, "its parameter");
  }

 private:
  torch::serialize::InputArchive& archive_;
  const torch::Tensor& parameter_;
  const std::string where_;
};

template <typename Options>
const Options& GroupOptions(const torch::optim::Optimizer& optimizer, size_t group) {
  return static_cast<const Options&>(optimizer.param_groups()[group].options());
}

// Adam and AdamW keep the same state under the same names.
template <typename State, typename Options>
std::unique_ptr<OptimizerParamState> ReadAdamState(const torch::optim::Optimizer& optimizer,
                                                   size_t group, ParamStateReader& reader) {
  auto state = std::make_unique<State>();
  state->step(reader.Step());
  state->exp_avg(reader.Tensor("exp_avg", true));
  state->exp_avg_sq(reader.Tensor("exp_avg_sq", true));
  state->max_exp_avg_sq(
      reader.Tensor("max_exp_avg_sq", GroupOptions<Options>(optimizer, group).amsgrad()));
  return state;
}

// The state the optimizer's own step() would have made, with every tensor it will use.
std::unique_ptr<OptimizerParamState> ReadParamState(const torch::optim::Optimizer& optimizer,
                                                    size_t group, ParamStateReader& reader,
                                                    const std::string& what) {
  using namespace torch::optim;  // NOLINT: the four state and options types
  if (dynamic_cast<const Adam*>(&optimizer) != nullptr) {
    return ReadAdamState<AdamParamState, AdamOptions>(optimizer, group, reader);
  }
  if (dynamic_cast<const AdamW*>(&optimizer) != nullptr) {
    return ReadAdamState<AdamWParamState, AdamWOptions>(optimizer, group, reader);
  }
  if (dynamic_cast<const RMSprop*>(&optimizer) != nullptr) {
    const auto& options = GroupOptions<RMSpropOptions>(optimizer, group);
    auto state = std::make_unique<RMSpropParamState>();
    state->step(reader.Step());
    state->square_avg(reader.Tensor("square_avg", true));
    state->momentum_buffer(reader.Tensor("momentum_buffer", options.momentum() > 0));
    state->grad_avg(reader.Tensor("grad_avg", options.centered()));
    return state;
  }
  if (dynamic_cast<const SGD*>(&optimizer) != nullptr) {
    auto state = std::make_unique<SGDParamState>();
    state->momentum_buffer(reader.Tensor("momentum_buffer", true));
    return state;
  }
  TORCH_CHECK(false, what, ": loading is implemented for Adam, AdamW, RMSprop and SGD only");
}

}  // namespace

torch::Tensor ReadTensorStrictly(torch::serialize::InputArchive& archive, const std::string& key,
                                 const std::string& what) {
  torch::Tensor tensor;
  TORCH_CHECK(archive.try_read(key, tensor), what, " has no tensor '", key, "'");
  CheckStorage(tensor, what, key);
  return tensor;
}

int64_t ReadIntStrictly(torch::serialize::InputArchive& archive, const std::string& key,
                        const std::string& what) {
  const torch::Tensor value = ReadTensorStrictly(archive, key, what);
  TORCH_CHECK(value.numel() == 1 && c10::isIntegralType(value.scalar_type(), false), what, " '",
              key, "' is ", value.scalar_type(), value.sizes(), ", not one integer");
  return value.item<int64_t>();
}

void LoadModuleStrictly(torch::nn::Module& module, torch::serialize::InputArchive& archive,
                        const std::string& what) {
  std::vector<std::pair<torch::Tensor, torch::Tensor>> pairs;
  ReadModuleTensors(module, archive, what, "", pairs);
  torch::NoGradGuard no_grad;
  for (auto& [target, value] : pairs) target.copy_(value);
}

namespace {

void TransferTensors(torch::nn::Module& module, torch::serialize::InputArchive& archive,
                     const std::string& what, const std::string& prefix, WeightTransfer& transfer) {
  std::set<std::string> used;
  auto take = [&](const std::string& key, torch::Tensor& target) {
    if (!target.defined()) return;
    used.insert(key);
    const std::string name = prefix + key;
    torch::Tensor stored;
    if (!archive.try_read(key, stored)) {
      transfer.notes.push_back(absl::StrCat(what, " tensor '", name,
                                            "' is not in the checkpoint: kept its initialization"));
      return;
    }
    try {
      CheckLike(stored, target, what, name, "this network");
    } catch (const c10::Error& e) {
      transfer.notes.push_back(
          absl::StrCat(e.what_without_backtrace(), ": kept its initialization"));
      return;
    }
    torch::NoGradGuard no_grad;
    target.copy_(stored);
    ++transfer.copied;
  };
  for (auto& item : module.named_parameters(/*recurse=*/false)) take(item.key(), item.value());
  for (auto& item : module.named_buffers(/*recurse=*/false)) take(item.key(), item.value());
  for (const auto& child : module.named_children()) {
    if (!child.value()->is_serializable()) continue;
    used.insert(child.key());
    torch::serialize::InputArchive child_archive;
    if (!archive.try_read(child.key(), child_archive)) {
      transfer.notes.push_back(absl::StrCat(what, " module '", prefix, child.key(),
                                            "' is not in the checkpoint: kept its initialization"));
      continue;
    }
    TransferTensors(*child.value(), child_archive, what, prefix + child.key() + ".", transfer);
  }
  for (const std::string& key : archive.keys()) {
    if (used.count(key) == 0) {
      transfer.notes.push_back(absl::StrCat(what, " '", prefix, key,
                                            "' of the checkpoint has no place here: not used"));
    }
  }
}

}  // namespace

WeightTransfer TransferModuleWeights(torch::nn::Module& module,
                                     torch::serialize::InputArchive& archive,
                                     const std::string& what) {
  WeightTransfer transfer;
  TransferTensors(module, archive, what, "", transfer);
  return transfer;
}

void LoadOptimizerStrictly(torch::optim::Optimizer& optimizer,
                           torch::serialize::InputArchive& archive, const std::string& what) {
  c10::IValue version;
  TORCH_CHECK(archive.try_read("pytorch_version", version) && version.isString() &&
                  version.toStringRef() == "1.5.0",
              what, " is not in LibTorch's optimizer format 1.5.0");
  torch::serialize::InputArchive groups_archive, states_archive;
  TORCH_CHECK(archive.try_read("param_groups", groups_archive) &&
                  archive.try_read("state", states_archive),
              what, " has no 'param_groups' or no 'state'");
  const auto& groups = optimizer.param_groups();
  const int64_t group_count = ReadIntStrictly(groups_archive, "param_groups/size", what);
  TORCH_CHECK(group_count == static_cast<int64_t>(groups.size()), what, " has ", group_count,
              " parameter groups in the checkpoint, the optimizer has ", groups.size());
  const std::vector<std::string> state_keys = states_archive.keys();
  const std::set<std::string> saved_keys(state_keys.begin(), state_keys.end());
  ParamStates states;
  for (size_t g = 0; g < groups.size(); ++g) {
    const std::string group_name = what + " group " + std::to_string(g);
    torch::serialize::InputArchive group_archive;
    TORCH_CHECK(groups_archive.try_read("param_groups/" + std::to_string(g), group_archive),
                group_name, " is not in the checkpoint");
    const auto& parameters = groups[g].params();
    const int64_t count = ReadIntStrictly(group_archive, "params/size", group_name);
    TORCH_CHECK(count == static_cast<int64_t>(parameters.size()), group_name, " has ", count,
                " parameters in the checkpoint, the optimizer has ", parameters.size());
    for (size_t p = 0; p < parameters.size(); ++p) {
      const std::string where = group_name + " parameter " + std::to_string(p);
      // The saving process's key for this parameter (its TensorImpl address then).
      c10::IValue saved_key;
      TORCH_CHECK(group_archive.try_read("params/" + std::to_string(p), saved_key) &&
                      saved_key.isString(),
                  where, " has no key in the checkpoint");
      torch::serialize::InputArchive state_archive;
      if (!states_archive.try_read(saved_key.toStringRef(), state_archive)) {
        TORCH_CHECK(saved_keys.count(saved_key.toStringRef()) == 0, where,
                    " has a state entry that is not a record");
        continue;  // no state yet (the optimizer had not stepped it)
      }
      ParamStateReader reader(state_archive, parameters[p], where);
      states[OptimizerStateKeyOf(parameters[p])] =
          ReadParamState(optimizer, g, reader, what);
    }
  }
  optimizer.state() = std::move(states);
}

}  // namespace gan
