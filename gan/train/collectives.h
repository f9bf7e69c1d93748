// The collectives DataParallel runs, over one c10d backend: Gloo for CPU tensors, NCCL
// for CUDA tensors (nccl_collectives.h). Each call blocks until the result is in `tensor`
// and throws c10::Error when a collective fails (a rank died, the timeout passed).
#ifndef GAN_TRAIN_COLLECTIVES_H_
#define GAN_TRAIN_COLLECTIVES_H_

#include <utility>
#include <vector>

#include <c10/util/intrusive_ptr.h>
#include <torch/types.h>

namespace gan {

class Collectives {
 public:
  virtual ~Collectives() = default;
  // tensor <- the sum of every rank's tensor.
  virtual void AllReduceSum(torch::Tensor& tensor) = 0;
  // tensor <- rank 0's tensor.
  virtual void BroadcastFromRankZero(torch::Tensor& tensor) = 0;
};

// Collectives over a c10d process group or backend (ProcessGroupGloo, ProcessGroupNCCL):
// their allreduce and broadcast take the same arguments in every LibTorch version, and
// their defaults are a sum and root 0.
template <typename ProcessGroup>
class C10dCollectives : public Collectives {
 public:
  explicit C10dCollectives(c10::intrusive_ptr<ProcessGroup> group) : group_(std::move(group)) {}

  void AllReduceSum(torch::Tensor& tensor) override {
    std::vector<torch::Tensor> list{tensor};
    group_->allreduce(list)->wait();
  }
  void BroadcastFromRankZero(torch::Tensor& tensor) override {
    std::vector<torch::Tensor> list{tensor};
    group_->broadcast(list)->wait();
  }

 private:
  c10::intrusive_ptr<ProcessGroup> group_;
};

}  // namespace gan

#endif  // GAN_TRAIN_COLLECTIVES_H_
