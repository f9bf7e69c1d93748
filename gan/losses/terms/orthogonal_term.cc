// BigGAN's orthogonal regularization of G's weights (Brock et al. 2019; gan/nn/orthogonal.h)
// as a G term, not logged:
//   "orthogonal": {"weight": 0.0001}   beta * sum_W ||W W^T ⊙ (1 - I)||_F^2
#include <memory>

#include "gan/losses/terms/loss_term.h"
#include "gan/nn/orthogonal.h"

namespace gan {
namespace {

class OrthogonalTerm : public LossTerm {
 public:
  explicit OrthogonalTerm(double beta) : beta_(beta) {}
  torch::Tensor Generator(StepContext& step) override {
    return OrthogonalRegularization(step.generator(), beta_);
  }

 private:
  double beta_;
};

absl::StatusOr<std::unique_ptr<LossTerm>> ReadOrthogonal(ConfigReader& options) {
  return std::make_unique<OrthogonalTerm>(ReadTermWeight(options, 1e-4));
}

GAN_REGISTER_LOSS_TERM("orthogonal", ReadOrthogonal);

}  // namespace
}  // namespace gan
