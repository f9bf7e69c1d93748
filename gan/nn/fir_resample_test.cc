// Upfirdn2d against its definition written as loops, and the 2x resamplers' sizes, gains
// and filter.
#include "gan/nn/fir_resample.h"

#include <gtest/gtest.h>
#include <torch/utils.h>

namespace gan {
namespace {

// out[i][j] = sum_{a,b} f[a][b] * u[i * down + kh - 1 - a][j * down + kw - 1 - b], where u is
// x with up - 1 zeros after every pixel, padded with pad0 zeros before and pad1 after.
torch::Tensor DirectUpfirdn(const torch::Tensor& x, const torch::Tensor& f, int64_t up,
                            int64_t down, int64_t pad0, int64_t pad1) {
  const int64_t h = x.size(2), w = x.size(3), kh = f.size(0), kw = f.size(1);
  const int64_t uh = h * up + pad0 + pad1, uw = w * up + pad0 + pad1;
  const auto u = [&](int64_t n, int64_t c, int64_t r, int64_t s) {
    const int64_t zr = r - pad0, zs = s - pad0;
    if (zr < 0 || zs < 0 || zr >= h * up || zs >= w * up || zr % up != 0 || zs % up != 0) return 0.0;
    return x[n][c][zr / up][zs / up].item<double>();
  };
  const int64_t oh = (uh - kh) / down + 1, ow = (uw - kw) / down + 1;
  torch::Tensor out = torch::zeros({x.size(0), x.size(1), oh, ow}, torch::kDouble);
  for (int64_t n = 0; n < x.size(0); ++n) {
    for (int64_t c = 0; c < x.size(1); ++c) {
      for (int64_t i = 0; i < oh; ++i) {
        for (int64_t j = 0; j < ow; ++j) {
          double sum = 0;
          for (int64_t a = 0; a < kh; ++a) {
            for (int64_t b = 0; b < kw; ++b) {
              sum += f[a][b].item<double>() * u(n, c, i * down + kh - 1 - a, j * down + kw - 1 - b);
            }
          }
          out[n][c][i][j] = sum;
        }
      }
    }
  }
  return out;
}

TEST(FirResampleTest, Upfirdn2dIsItsDefinition) {
  torch::manual_seed(1);
  const torch::Tensor x = torch::randn({2, 2, 5, 6}, torch::kDouble);
  // An asymmetric filter, so that a correlation (the filter not flipped) would differ.
  const torch::Tensor f = torch::randn({3, 4}, torch::kDouble);
  struct Case { int64_t up, down, pad0, pad1; };
  for (const Case& c : {Case{1, 1, 0, 0}, Case{2, 1, 2, 1}, Case{1, 2, 1, 1}, Case{3, 2, 1, 2}}) {
    SCOPED_TRACE(testing::Message() << c.up << " " << c.down << " " << c.pad0 << " " << c.pad1);
    const torch::Tensor expected = DirectUpfirdn(x, f, c.up, c.down, c.pad0, c.pad1);
    const torch::Tensor got = Upfirdn2d(x, f, c.up, c.down, c.pad0, c.pad1);
    ASSERT_EQ(got.sizes(), expected.sizes());
    EXPECT_TRUE(torch::allclose(got, expected, 1e-12, 1e-12));
  }
}

TEST(FirResampleTest, TheLowPassFilterIsOneThreeThreeOneSquaredOverSixtyFour) {
  const torch::Tensor f = LowPassFilter(torch::zeros({1}, torch::kDouble));
  EXPECT_DOUBLE_EQ(f[0][0].item<double>(), 1.0 / 64);
  EXPECT_DOUBLE_EQ(f[1][2].item<double>(), 9.0 / 64);
  EXPECT_DOUBLE_EQ(f[0][3].item<double>(), 1.0 / 64);
  EXPECT_DOUBLE_EQ(f.sum().item<double>(), 1.0);
}

TEST(FirResampleTest, TwoTimesResamplersKeepConstantsAndHalveOrDoubleTheSize) {
  // The fast form of 2x upsampling is the general operation's.
  const torch::Tensor x = torch::randn({2, 3, 5, 7}, torch::kDouble);
  EXPECT_TRUE(torch::allclose(UpsampleFir2x(x), Upfirdn2d(x, LowPassFilter(x) * 4, 2, 1, 2, 1), 1e-12, 1e-12));
  const torch::Tensor constant = torch::full({1, 3, 8, 8}, 2.5, torch::kDouble);
  const torch::Tensor up = UpsampleFir2x(constant);
  ASSERT_EQ(up.sizes(), (torch::IntArrayRef{1, 3, 16, 16}));
  // Away from the zero padding the mean is kept: the filter's gain is up^2 = 4.
  EXPECT_TRUE(torch::allclose(up.slice(2, 2, 14).slice(3, 2, 14), torch::full({1, 3, 12, 12}, 2.5, torch::kDouble)));
  const torch::Tensor down = DownsampleFir2x(constant);
  ASSERT_EQ(down.sizes(), (torch::IntArrayRef{1, 3, 4, 4}));
  EXPECT_TRUE(torch::allclose(down.slice(2, 1, 3).slice(3, 1, 3), torch::full({1, 3, 2, 2}, 2.5, torch::kDouble)));
  // Upsampling by pixel copies (nearest) aliases; FIR upsampling of a one-pixel impulse
  // spreads it over the filter's 4x4 footprint with weights (1 3 3 1)^2 / 16.
  torch::Tensor impulse = torch::zeros({1, 1, 4, 4}, torch::kDouble);
  impulse[0][0][1][1] = 1.0;
  const torch::Tensor spread = UpsampleFir2x(impulse);
  EXPECT_NEAR(spread.sum().item<double>(), 4.0, 1e-12);  // 4 output pixels per input pixel
  EXPECT_NEAR(spread.max().item<double>(), 9.0 / 16, 1e-12);
}

}  // namespace
}  // namespace gan
