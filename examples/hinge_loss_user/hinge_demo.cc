// Prints the hinge losses (Lim & Ye 2017) for a few logits, and checks them by hand.
#include <cstdio>

#include "gan/losses/hinge.h"

int main() {
  const torch::Tensor real = torch::tensor({2.0, 0.5});
  const torch::Tensor fake = torch::tensor({-1.5, 0.0});
  const double d_loss = gan::HingeDiscriminatorLoss(real, fake).item<double>();
  const double g_loss = gan::HingeGeneratorLoss(fake).item<double>();
  std::printf("hinge D loss %.4f (expected 0.7500), G loss %.4f (expected 0.7500)\n", d_loss,
              g_loss);
  return (d_loss == 0.75 && g_loss == 0.75) ? 0 : 1;
}
