// BigGAN's orthogonal regularization of G's weights (Brock et al. 2019; gan/nn/orthogonal.h)
// as a G term, not logged:
//   "orthogonal": {"beta": 0.0001}   beta * sum_W ||W W^T ⊙ (1 - I)||_F^2
// beta is the paper's: the gradient is 4 beta (W W^T ⊙ (1 - I)) W. BigGAN-PyTorch's
// strength s (--G_ortho) applies 2 s (W W^T ⊙ (1 - I)) W, so s corresponds to beta = s / 2:
// its --G_ortho 1e-4 is "beta": 5e-5.
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
  double beta = 1e-4;
  options.Read("beta", &beta);
  RequireNonNegative(options, "beta", beta);
  return std::make_unique<OrthogonalTerm>(beta);
}

GAN_REGISTER_LOSS_TERM("orthogonal", ReadOrthogonal);

}  // namespace
}  // namespace gan
