// FLOPs of one GAN training iteration, counted from the matrix products a forward pass
// actually executes, for the benchmarks' "floor" (FLOPs / measured matmul FLOP/s).
//
// Counting rule. Only products are counted: aten::convolution (conv and conv-transpose),
// aten::linear, aten::addmm, aten::mm, aten::bmm (one op nested inside another counted
// op, e.g. linear -> addmm, counts once). A product of MACs multiply-accumulates costs
//   forward   2 * MACs
//   backward  2 * MACs for each operand that requires grad: the input gradient when the
//             op's input requires grad, the weight gradient when its weight does.
// So a hidden layer costs 3x its forward in backward, the first layer of a network whose
// input needs no gradient 2x (weights only), and a frozen layer 2x (input only).
// Conv: MACs = N * C_out * H_out * W_out * C_in/groups * k_h * k_w; conv-transpose:
// N * C_in * H_in * W_in * C_out/groups * k_h * k_w; linear: rows * in * out. Not
// counted: biases, BatchNorm, activations, pooling, losses, the spectral-norm power
// iteration (matrix-vector), Adam. The result is a lower bound on the work.
//
//   gan::IterationFlops flops = gan::CountIterationFlops(*g, *d, 64);
//   double per_iteration = flops.Total(/*generator_first=*/false);
#ifndef BENCHMARKS_FLOP_COUNT_H_
#define BENCHMARKS_FLOP_COUNT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gan/networks/gan_modules.h"

namespace gan {

// One counted product of a forward pass.
struct ProductOp {
  std::string name;          // the ATen op, e.g. "aten::convolution"
  int64_t macs = 0;          // multiply-accumulates of the forward
  bool input_grad = false;   // the first operand (input) requires grad
  bool weight_grad = false;  // the second operand (weight) requires grad
};

// Runs `forward` (on this thread) and returns the products it executed, in order.
std::vector<ProductOp> RecordProducts(const std::function<void()>& forward);

int64_t ForwardFlops(const std::vector<ProductOp>& ops);   // sum of 2 * MACs
int64_t BackwardFlops(const std::vector<ProductOp>& ops);  // 2 * MACs per needed gradient

// The pieces of one iteration at batch n, and their sum for the two update orders of
// gan::AlternatingUpdater (one D step and one G step):
//   G step (both orders): G forward + D forward on the fakes + backward through D with
//     D frozen (input gradients only) + G backward (weights, and inputs past G's first
//     layers).
//   D step: D forward on n real and n fake images + D backward (weights; no input
//     gradient for D's first layer); D first also draws the fakes (G forward, no grad),
//     G first reuses the G step's.
struct IterationFlops {
  int64_t g_forward = 0;          // G on n latents
  int64_t g_backward = 0;         // G's weight and input gradients
  int64_t d_forward = 0;          // D on n images
  int64_t d_backward_d_step = 0;  // D trained, its input needs no gradient
  int64_t d_backward_g_step = 0;  // D frozen, its input (G's fakes) needs the gradient

  int64_t GeneratorStep() const { return g_forward + d_forward + d_backward_g_step + g_backward; }
  int64_t DiscriminatorStep(bool generator_first) const {
    return (generator_first ? 0 : g_forward) + 2 * (d_forward + d_backward_d_step);
  }
  int64_t Total(bool generator_first) const {
    return GeneratorStep() + DiscriminatorStep(generator_first);
  }
};

// Records one forward of G and two of D (trained / frozen) at batch n, in eval mode so
// that no BatchNorm statistics or spectral-norm vectors change; the modules' training
// mode and requires_grad flags are restored.
IterationFlops CountIterationFlops(GeneratorModule& generator, DiscriminatorModule& discriminator,
                                   int64_t batch_size);

}  // namespace gan

#endif  // BENCHMARKS_FLOP_COUNT_H_
