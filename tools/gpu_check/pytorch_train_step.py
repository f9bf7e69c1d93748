#!/usr/bin/env python3
"""Images per second of one full GAN training iteration (D step + G step) in PyTorch, eager
and torch.compile'd, for the networks and step of benchmarks/gpu_train_step_benchmark.cc,
so that the two can stand in one table (tools/gpu_check).

The same math as the C++ toolkit, written again here (no third-party code):
  dcgan96       the STL-10 DCGAN (Radford et al. 2016, "Unsupervised Representation
                Learning with Deep Convolutional Generative Adversarial Networks"):
                gan/networks/dcgan/dcgan.{h,cc}, Stl10DcganSpec(); hinge loss, G first.
  stylegan2_32  StyleGAN2 (Karras et al. 2020, "Analyzing and Improving the Image Quality
  stylegan2_64  of StyleGAN"), config E/F: gan/networks/stylegan2/stylegan2.{h,cc} with
                StyleGan2SpecFor(size, 3, width 64, latent 512), the mapping network and
                style mixing of gan/networks/stylegan/{stylegan,style_space}.cc, and
                gan/nn/{equalized_lr,modulated_conv2d,fir_resample,minibatch_stddev,
                pixel_norm}.cc; non-saturating logistic loss, D first.
The step is gan::AlternatingUpdater::Update (gan/train/alternating_updater.cc) with its
default options: gradients cleared to None, D's parameters frozen during G's step, Adam
(lr 2e-4, betas (0.5, 0.999), eps 1e-8; gan/train/optimization.cc), autocast around the
forward passes and losses only (gan/train/mixed_precision.cc), and for fp16 one dynamic
loss scaler per network (2^16, x2 every 2000 clean steps, /2 on overflow;
gan/train/loss_scaler.cc).

Checked against the C++ on the CPU (LibTorch 1.13, batch 8): the same weights from the same
seed, and the same losses and parameters after 3 Update()s in fp32 and bf16, to 9 digits.

Compiled mode: torch.compile (default mode) of G and D, except that StyleGAN2's mapping and
synthesis networks are compiled apart, so that style mixing's host-side draws stay eager.
The timed run is sized by the warm-up to about --seconds; the first iteration's time is
compile_s. Beyond the C++: --loss-scaler mirror (the C++ scaler's ops instead of
GradScaler), --adam (torch.optim.Adam's implementation), --compile-backend.

  python3 pytorch_train_step.py --device cuda --rows dcgan96,stylegan2_32,stylegan2_64 \
      --precisions fp32,bf16,fp16 --modes eager,compiled --seconds 3 --json out.json

Runs on PyTorch 1.13 (no torch.compile: compiled rows are "unavailable") through 2.x.
"""

import argparse
import contextlib
import gc
import json
import math
import os
import sys
import tempfile
import time

if __name__ == "__main__" and "OMP_WAIT_POLICY" not in os.environ:
    # As the C++ benchmark's main (gan::PreferPassiveOpenMpWaiting): idle OpenMP threads
    # sleep instead of spinning. libgomp reads it when loaded, hence before torch, by re-exec.
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    try:
        os.execv(sys.executable, [sys.executable] + sys.argv)
    except OSError:
        pass  # go on with libgomp's default

import torch
import torch.nn as nn
import torch.nn.functional as F

BATCH_SIZE = 64

# Worked out by hand from the C++ layer lists (dcgan96's are also dcgan_test.cc's); a
# mismatch means this file no longer builds the C++ networks.
EXPECTED_PARAMS = {
    "dcgan96": (1353507, 1571073),
    "stylegan2_32": (13506963, 13918849),
    "stylegan2_64": (13749208, 14037569),
}

# ----------------------------------------------------------------------------------------
# DCGAN (gan/networks/dcgan/dcgan.cc)


class DcganGenerator(nn.Module):
    """Transposed convs; BatchNorm + ReLU after all but the last, Tanh after the last."""

    def __init__(self, latent_dim, layers, bias, init_std):
        super().__init__()
        body, in_channels = [], latent_dim
        for i, (out, kernel, stride, padding) in enumerate(layers):
            body.append(nn.ConvTranspose2d(in_channels, out, kernel, stride=stride,
                                           padding=padding, bias=bias))
            if i + 1 < len(layers):
                body += [nn.BatchNorm2d(out), nn.ReLU(inplace=True)]
            in_channels = out
        body.append(nn.Tanh())
        self.body = nn.Sequential(*body)
        self.latent_dim = latent_dim
        _init_conv_weights(self, init_std)

    def forward(self, z):
        return self.body(z.view(z.size(0), z.size(1), 1, 1))


class DcganDiscriminator(nn.Module):
    """Per layer [AvgPool] -> Conv -> BatchNorm -> LeakyReLU(0.2); [AvgPool] -> conv head."""

    def __init__(self, image_channels, layers, head_avg_pool, bias, init_std):
        super().__init__()
        features, in_channels = [], image_channels
        for out, kernel, stride, padding, pool_before in layers:
            if pool_before > 1:
                features.append(nn.AvgPool2d(pool_before))
            features += [nn.Conv2d(in_channels, out, kernel, stride=stride, padding=padding,
                                   bias=bias),
                         nn.BatchNorm2d(out),
                         nn.LeakyReLU(0.2, inplace=True)]
            in_channels = out
        if head_avg_pool > 1:
            features.append(nn.AvgPool2d(head_avg_pool))
        self.features = nn.Sequential(*features)
        self.head = nn.Sequential(nn.Conv2d(in_channels, 1, 1, stride=1, padding=0, bias=bias))
        _init_conv_weights(self, init_std)

    def forward(self, images):
        return self.head(self.features(images)).view(images.size(0))


def _init_conv_weights(module, std):
    # N(0, 0.02) conv weights as DCGAN initializes them; biases keep the default init.
    with torch.no_grad():
        for child in module.modules():
            if isinstance(child, (nn.Conv2d, nn.ConvTranspose2d)):
                child.weight.normal_(0.0, std)


def make_stl10_dcgan():
    # Stl10DcganSpec(): z 128, 6x6 -> 12 -> 24 -> 48 -> 96; D of 3x3 convs, all with BatchNorm.
    g = DcganGenerator(128, [(256, 6, 1, 0), (128, 2, 2, 0), (64, 2, 2, 0), (32, 2, 2, 0),
                             (3, 2, 2, 0)], bias=True, init_std=0.02)
    d_layers, pool = [], 0
    for channels in (32, 64, 128, 256, 512):
        d_layers.append((channels, 3, 1, 1, pool))
        pool = 2
    d = DcganDiscriminator(3, d_layers, head_avg_pool=6, bias=True, init_std=0.02)
    return g, d


# ----------------------------------------------------------------------------------------
# StyleGAN2's building blocks (gan/nn)


def leaky_relu_gain(x):
    # Leaky ReLU 0.2 times sqrt(2), which keeps the signal's scale.
    return F.leaky_relu(x, 0.2) * math.sqrt(2.0)


def pixel_norm(x, eps=1e-8):
    return x * torch.rsqrt(x.square().mean(dim=1, keepdim=True) + eps)


class EqualizedLinear(nn.Module):
    """Weights stored N(0, 1/lr_mult^2), scaled by gain / sqrt(fan_in) * lr_mult per forward."""

    def __init__(self, in_features, out_features, bias=True, gain=math.sqrt(2.0),
                 lr_multiplier=1.0, bias_init=0.0):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_features, in_features) / lr_multiplier)
        self.bias = (nn.Parameter(torch.full((out_features,), bias_init / lr_multiplier))
                     if bias else None)
        self.lr_multiplier = lr_multiplier
        self.weight_scale = gain / math.sqrt(in_features) * lr_multiplier

    def forward(self, x):
        bias = self.bias * self.lr_multiplier if self.bias is not None else None
        return F.linear(x, self.weight * self.weight_scale, bias)


class EqualizedConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, bias=True, gain=math.sqrt(2.0)):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels, kernel_size,
                                               kernel_size))
        self.bias = nn.Parameter(torch.zeros(out_channels)) if bias else None
        self.padding = kernel_size // 2
        self.weight_scale = gain / math.sqrt(in_channels * kernel_size * kernel_size)

    def forward(self, x):
        return F.conv2d(x, self.weight * self.weight_scale, self.bias, 1, self.padding)


def low_pass_filter(like):
    # The outer product of [1, 3, 3, 1] with itself, summing to 1, in like's dtype.
    taps = torch.tensor([1.0, 3.0, 3.0, 1.0], dtype=like.dtype, device=like.device)
    filt = torch.outer(taps, taps)
    return filt / filt.sum()


def _depthwise(filt, channels, like):
    return (filt.to(like.device, like.dtype).view(1, 1, filt.size(0), filt.size(1))
            .expand(channels, 1, -1, -1).contiguous())


def upfirdn2d(x, filt, up, down, pad0, pad1):
    """Zero-insertion upsampling, padding, true convolution with filt, every down-th pixel."""
    n, c, h, w = x.shape
    y = x
    if up > 1:
        y = F.pad(y.reshape(n, c, h, 1, w, 1), (0, up - 1, 0, 0, 0, up - 1))
        y = y.reshape(n, c, h * up, w * up)
    y = F.pad(y, (pad0, pad1, pad0, pad1))
    kernel = _depthwise(filt.flip(0, 1), c, y)
    return F.conv2d(y, kernel, None, stride=down, padding=0, dilation=1, groups=c)


def upsample_fir2x(x):
    # upfirdn2d(x, 4 f, up 2, pads 2 and 1) as the C++ computes it: a stride-2 transposed
    # depthwise convolution, which skips the inserted zeros.
    kernel = _depthwise(low_pass_filter(x) * 4, x.size(1), x)
    return F.conv_transpose2d(x, kernel, None, stride=2, padding=1, output_padding=0,
                              groups=x.size(1))


def downsample_fir2x(x):
    return upfirdn2d(x, low_pass_filter(x), 1, 2, 1, 1)


def minibatch_stddev(x, group_size=4, eps=1e-8):
    # Sample i is in group i % (N / G), as StyleGAN groups them.
    n, c, h, w = x.shape
    g = min(group_size, n)
    groups = n // g
    y = x.reshape(g, groups, c, h, w)
    variance = (y - y.mean(0, keepdim=True)).square().mean(0)
    stddev = (variance + eps).sqrt().mean([1, 2, 3])
    channel = stddev.view(groups, 1, 1, 1).repeat(g, 1, h, w)
    return torch.cat([x, channel], 1)


def modulated_convolution(x, weight, styles, demodulate, upsample):
    """The C++ default form (kGroupedConvolution): per-sample weights as one grouped conv."""
    n, in_channels, out_channels = x.size(0), weight.size(1), weight.size(0)
    k = weight.size(2)
    inp = upsample_fir2x(x) if upsample else x
    demodulation = None
    if demodulate:
        demodulation = torch.rsqrt(
            torch.matmul(styles.square(), weight.square().sum([2, 3]).t()) + 1e-8)
    w = weight.unsqueeze(0) * styles.view(n, 1, in_channels, 1, 1)
    if demodulate:
        w = w * demodulation.view(n, out_channels, 1, 1, 1)
    y = F.conv2d(inp.reshape(1, n * in_channels, inp.size(2), inp.size(3)),
                 w.reshape(n * out_channels, in_channels, k, k), None, 1, k // 2, 1, n)
    return y.reshape(n, out_channels, y.size(2), y.size(3))


class ModulatedConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, style_dim, demodulate=True,
                 upsample=False):
        super().__init__()
        # Styles start at 1: the affine's bias.
        self.affine = EqualizedLinear(style_dim, in_channels, gain=1.0, bias_init=1.0)
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels, kernel_size,
                                               kernel_size))
        self.demodulate = demodulate
        self.upsample = upsample
        self.weight_scale = 1.0 / math.sqrt(in_channels * kernel_size * kernel_size)

    def forward(self, x, w):
        return modulated_convolution(x, self.weight * self.weight_scale, self.affine(w),
                                     self.demodulate, self.upsample)


# ----------------------------------------------------------------------------------------
# StyleGAN2 (gan/networks/stylegan2/stylegan2.cc)


def stylegan2_channels(image_size, width):
    # StyleGanSpecFor: 8 * width at 4x4 and 8x8, halved per doubling, never below width.
    channels, r = [], 4
    while r <= image_size:
        channels.append(max(width, 8 * width // max(1, r // 8)))
        r *= 2
    return channels


class StyleGanMapping(nn.Module):
    """w = MLP(PixelNorm(z)): equalized linear layers (gain sqrt(2), lr x0.01), leaky ReLU."""

    def __init__(self, latent_dim, w_dim, layers=8, lr_multiplier=0.01):
        super().__init__()
        self.fc = nn.ModuleList(
            [EqualizedLinear(latent_dim if i == 0 else w_dim, w_dim, lr_multiplier=lr_multiplier)
             for i in range(layers)])

    def forward(self, z):
        x = pixel_norm(z)
        for layer in self.fc:
            x = F.leaky_relu(layer(x), 0.2)
        return x


class StyleGan2Layer(nn.Module):
    """Modulated conv -> + noise_strength * fresh N(0, 1) noise -> + bias -> leaky ReLU gain."""

    def __init__(self, in_channels, out_channels, w_dim, upsample):
        super().__init__()
        self.conv = ModulatedConv2d(in_channels, out_channels, 3, w_dim, upsample=upsample)
        self.noise_strength = nn.Parameter(torch.zeros([]))
        self.bias = nn.Parameter(torch.zeros(out_channels))

    def forward(self, x, w):
        h = self.conv(x, w)
        noise = torch.randn(h.size(0), 1, h.size(2), h.size(3), dtype=h.dtype, device=h.device)
        return leaky_relu_gain(h + self.noise_strength * noise + self.bias.view(1, -1, 1, 1))


class StyleGan2Synthesis(nn.Module):
    """Learned 4x4 constant, two layers per resolution, skip toRGBs summed (Synthesize)."""

    def __init__(self, channels, image_channels, w_dim):
        super().__init__()
        self.const_input = nn.Parameter(torch.randn(1, channels[0], 4, 4))
        layers = [StyleGan2Layer(channels[0], channels[0], w_dim, False)]
        for r in range(1, len(channels)):
            layers.append(StyleGan2Layer(channels[r - 1], channels[r], w_dim, True))
            layers.append(StyleGan2Layer(channels[r], channels[r], w_dim, False))
        self.layers = nn.ModuleList(layers)
        to_rgb, to_rgb_bias = [], []
        for c in channels:  # in the C++ order: each toRGB, then its bias
            to_rgb.append(ModulatedConv2d(c, image_channels, 1, w_dim, demodulate=False))
            to_rgb_bias.append(nn.Parameter(torch.zeros(image_channels)))
        self.to_rgb = nn.ModuleList(to_rgb)
        self.to_rgb_bias = nn.ParameterList(to_rgb_bias)

    def forward(self, ws):
        def rgb(r, x, w_index):
            return self.to_rgb[r](x, ws[:, w_index]) + self.to_rgb_bias[r].view(1, -1, 1, 1)

        x = self.layers[0](self.const_input.expand(ws.size(0), -1, -1, -1), ws[:, 0])
        image = rgb(0, x, 1)  # shares layer 1's w, as in the reference
        for r in range(1, len(self.to_rgb)):
            first = 2 * r - 1
            x = self.layers[first](x, ws[:, first])
            x = self.layers[first + 1](x, ws[:, first + 1])
            image = upsample_fir2x(image) + rgb(r, x, first + 2)
        return torch.tanh(image)


class StyleGan2Generator(nn.Module):
    def __init__(self, image_size, image_channels=3, width=64, latent_dim=512,
                 mapping_layers=8, mapping_lr_multiplier=0.01, mixing_probability=0.9,
                 w_average_decay=0.995):
        super().__init__()
        channels = stylegan2_channels(image_size, width)
        self.latent_dim = latent_dim
        self.mapping = StyleGanMapping(latent_dim, latent_dim, mapping_layers,
                                       mapping_lr_multiplier)
        self.synthesis = StyleGan2Synthesis(channels, image_channels, latent_dim)
        self.register_buffer("w_average", torch.zeros(latent_dim))
        self.num_ws = len(self.synthesis.layers) + 1
        self.mixing_probability = mixing_probability
        self.w_average_decay = w_average_decay
        # Compiled mode swaps these for torch.compile'd ones; style mixing stays eager (its
        # host-side random draws would break and re-specialize a compiled graph).
        self._run = {"mapping": self.mapping, "synthesis": self.synthesis}
        self._compiled = False

    def compile_parts(self, compile_fn):
        self._run = {"mapping": compile_fn(self.mapping),
                     "synthesis": compile_fn(self.synthesis)}
        self._compiled = True

    def styles(self, z):
        # BatchStyles (gan/networks/stylegan/style_space.cc) in training mode.
        w = self._run["mapping"](z)
        ws = None
        if self.training:
            with torch.no_grad():
                # In float32 whatever precision autocast computed w in (torch.lerp refuses
                # mixed dtypes), as the C++ does.
                self.w_average.copy_(torch.lerp(w.mean(0).to(self.w_average.dtype),
                                                self.w_average, self.w_average_decay))
            # One CPU draw decides for the whole batch, then the fresh w, then the crossover.
            if torch.rand(1).item() < self.mixing_probability:
                z2 = torch.randn(z.size(0), self.latent_dim, device=z.device).to(z.dtype)
                w2 = self._run["mapping"](z2)
                crossover = int(torch.randint(1, self.num_ws, (1,)).item())
                below = (torch.arange(self.num_ws, dtype=torch.long, device=w.device)
                         < crossover).view(1, self.num_ws, 1)
                ws = torch.where(below, w.unsqueeze(1), w2.unsqueeze(1))
        if ws is None:
            ws = w.unsqueeze(1).expand(-1, self.num_ws, -1)
            if self._compiled:
                # Mixed ws are contiguous, the expanded view is not: without this copy (one
                # [N, num_ws, w_dim]) the synthesis would recompile on the first unmixed
                # batch, maybe inside the timed run.
                ws = ws.contiguous()
        return ws

    def forward(self, z):
        return self._run["synthesis"](self.styles(z))


class StyleGan2Discriminator(nn.Module):
    """Residual: fromRGB; per resolution conv, down-conv, 1x1 skip of the FIR-downsampled
    input, summed times sqrt(1/2); minibatch stddev, conv, dense, output (all equalized)."""

    def __init__(self, image_size, image_channels=3, width=64, minibatch_group_size=4):
        super().__init__()
        channels = stylegan2_channels(image_size, width)
        top = len(channels) - 1
        self.from_rgb = EqualizedConv2d(image_channels, channels[top], 1, gain=1.0)
        blocks = []
        for r in range(top, 0, -1):
            c_in, c_out = channels[r], channels[r - 1]
            blocks.append(nn.ModuleDict({
                "conv0": EqualizedConv2d(c_in, c_in, 3, gain=1.0),
                "conv1": EqualizedConv2d(c_in, c_out, 3, gain=1.0),
                "skip": EqualizedConv2d(c_in, c_out, 1, bias=False, gain=1.0),
            }))
        self.blocks = nn.ModuleList(blocks)
        c4 = channels[0]
        self.epilogue_conv = EqualizedConv2d(c4 + 1, c4, 3, gain=1.0)
        self.epilogue_fc = EqualizedLinear(c4 * 16, c4, gain=1.0)
        self.out = EqualizedLinear(c4, 1, gain=1.0)
        self.group_size = minibatch_group_size

    @staticmethod
    def _down_conv(conv, x):
        # Low-pass filter (pads 2 each side for 4 taps before a 3x3 kernel), then stride 2.
        blurred = upfirdn2d(x, low_pass_filter(x), 1, 1, 2, 2)
        return F.conv2d(blurred, conv.weight * conv.weight_scale, conv.bias, stride=2)

    def forward(self, images):
        h = leaky_relu_gain(self.from_rgb(images))
        half = math.sqrt(0.5)
        for block in self.blocks:
            skip = block["skip"](downsample_fir2x(h))
            main = leaky_relu_gain(self._down_conv(block["conv1"],
                                                   leaky_relu_gain(block["conv0"](h))))
            h = (skip + main) * half
        h = minibatch_stddev(h, self.group_size)
        h = leaky_relu_gain(self.epilogue_conv(h))
        h = leaky_relu_gain(self.epilogue_fc(h.flatten(1)))
        return self.out(h).view(images.size(0))


def make_stylegan2(image_size):
    return (StyleGan2Generator(image_size, 3, width=64, latent_dim=512),
            StyleGan2Discriminator(image_size, 3, width=64))


# ----------------------------------------------------------------------------------------
# Losses (gan/losses/hinge.cc, bce.cc)


def hinge_d(real, fake):
    return torch.relu(1.0 - real).mean() + torch.relu(1.0 + fake).mean()


def hinge_g(fake):
    return -fake.mean()


def bce_d(real, fake):
    return F.softplus(-real).mean() + F.softplus(fake).mean()


def bce_g(fake):
    return F.softplus(-fake).mean()


ROWS = {
    # name: (make, image_size, latent_dim, D loss, G loss, generator_first)
    "dcgan96": (make_stl10_dcgan, 96, 128, hinge_d, hinge_g, True),
    "stylegan2_32": (lambda: make_stylegan2(32), 32, 512, bce_d, bce_g, False),
    "stylegan2_64": (lambda: make_stylegan2(64), 64, 512, bce_d, bce_g, False),
}

# ----------------------------------------------------------------------------------------
# Loss scaling (gan/train/loss_scaler.cc)


class MirrorLossScaler:
    """gan::DynamicLossScaler op for op: per-parameter unscale and finiteness, one sync."""

    def __init__(self, init_scale=65536.0, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000):
        self.scale_value = init_scale
        self.growth_factor, self.backoff_factor = growth_factor, backoff_factor
        self.growth_interval, self.growth_tracker = growth_interval, 0

    def scale(self, loss):
        return loss.float() * self.scale_value

    def step(self, optimizer):
        found = None
        with torch.no_grad():
            inverse = 1.0 / self.scale_value
            for group in optimizer.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    p.grad.mul_(inverse)
                    bad = p.grad.isfinite().all().logical_not()
                    found = bad if found is None else found.logical_or(bad)
        if found is not None and bool(found.item()):
            for group in optimizer.param_groups:
                for p in group["params"]:
                    p.grad = None
            self.scale_value *= self.backoff_factor
            self.growth_tracker = 0
            return
        optimizer.step()
        self.growth_tracker += 1
        if self.growth_tracker == self.growth_interval:
            self.scale_value *= self.growth_factor
            self.growth_tracker = 0


class TorchLossScaler:
    """PyTorch's GradScaler with the C++ scaler's settings."""

    def __init__(self):
        kwargs = dict(init_scale=65536.0, growth_factor=2.0, backoff_factor=0.5,
                      growth_interval=2000)
        amp = getattr(torch, "amp", None)
        if amp is not None and hasattr(amp, "GradScaler"):  # 2.3+; torch.cuda.amp's is deprecated
            self.scaler = amp.GradScaler("cuda", **kwargs)
        else:
            self.scaler = torch.cuda.amp.GradScaler(**kwargs)

    def scale(self, loss):
        return self.scaler.scale(loss)

    def step(self, optimizer):
        self.scaler.step(optimizer)
        self.scaler.update()


# ----------------------------------------------------------------------------------------
# The iteration (gan/train/alternating_updater.cc)


def set_requires_grad(module, flag):
    for p in module.parameters():
        p.requires_grad_(flag)


def clear_gradients(module):
    # ClearGradients: drops them (no zeroing kernels, nothing stale).
    for p in module.parameters():
        p.grad = None


class Updater:
    def __init__(self, g, d, g_run, d_run, loss_d, loss_g, generator_first, latent_dim,
                 autocast, scalers, adam_foreach):
        self.g, self.d, self.g_run, self.d_run = g, d, g_run, d_run
        self.loss_d, self.loss_g = loss_d, loss_g
        self.generator_first = generator_first
        self.latent_dim = latent_dim
        self.autocast = autocast  # a context-manager factory
        self.scaler_g, self.scaler_d = scalers
        adam = dict(lr=2e-4, betas=(0.5, 0.999), eps=1e-8)
        if adam_foreach is not None:
            adam["foreach"] = adam_foreach
        self.opt_g = torch.optim.Adam(g.parameters(), **adam)
        self.opt_d = torch.optim.Adam(d.parameters(), **adam)

    def _latents(self, n, device):
        return torch.randn(n, self.latent_dim, device=device)

    @staticmethod
    def _backward(loss, scaler):
        (scaler.scale(loss) if scaler is not None else loss).backward()

    @staticmethod
    def _step(optimizer, scaler):
        if scaler is not None:
            scaler.step(optimizer)
        else:
            optimizer.step()

    def generator_step(self, real):
        set_requires_grad(self.d, False)  # D accumulates no gradients in G's step
        latents = self._latents(real.size(0), real.device)
        clear_gradients(self.g)
        with self.autocast():
            fakes = self.g_run(latents)
            loss = self.loss_g(self.d_run(fakes))
        self._backward(loss, self.scaler_g)
        self._step(self.opt_g, self.scaler_g)
        set_requires_grad(self.d, True)
        return loss.detach(), fakes.detach()

    def discriminator_step(self, real, fakes):
        draw = fakes is None
        latents = self._latents(real.size(0), real.device) if draw else None
        clear_gradients(self.d)
        with self.autocast():
            if draw:
                with torch.no_grad():
                    fakes = self.g_run(latents)
            real_logits = self.d_run(real)
            fake_logits = self.d_run(fakes)
            loss = self.loss_d(real_logits, fake_logits)
            # The updater logs D's mean logits on both (no host sync).
            logs = (real_logits.detach().mean().float(), fake_logits.detach().mean().float())
        self._backward(loss, self.scaler_d)
        self._step(self.opt_d, self.scaler_d)
        return loss.detach(), logs

    def update(self, real):
        if self.generator_first:  # D reuses G's step's fakes, detached
            loss_g, fakes = self.generator_step(real)
            loss_d, logs = self.discriminator_step(real, fakes)
        else:
            loss_d, logs = self.discriminator_step(real, None)
            loss_g, _ = self.generator_step(real)
        return loss_d, loss_g, logs


# ----------------------------------------------------------------------------------------
# Measurement


class Unavailable(Exception):
    pass


def parameter_count(module):
    return sum(p.numel() for p in module.parameters())


def compile_network(net, backend):
    compile_fn = getattr(torch, "compile", None)
    if compile_fn is None:
        raise Unavailable("torch.compile needs PyTorch 2.0+, this is %s" % torch.__version__)
    if backend != "inductor":
        compile_fn = lambda module, fn=compile_fn: fn(module, backend=backend)  # noqa: E731
    if hasattr(net, "compile_parts"):
        net.compile_parts(compile_fn)
        return net
    return compile_fn(net)


def reset_compiler():
    dynamo = getattr(torch, "_dynamo", None)
    if dynamo is not None and hasattr(dynamo, "reset"):
        dynamo.reset()


def compiled_graphs():
    # Dynamo's count of the graphs it compiled (None where there is no such counter).
    try:
        from torch._dynamo.utils import counters
        return counters["stats"]["unique_graphs"]
    except Exception:  # 1.13, or a version that moved it
        return None


def first_line(exc):
    # The message's first line; with the next one where it only introduces it (dynamo's
    # "backend='inductor' raised:").
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    line = lines[0] if lines else ""
    if line.endswith(":") and len(lines) > 1:
        line += " " + lines[1]
    return "%s: %s" % (type(exc).__name__, line) if line else type(exc).__name__


def measure(row, precision, mode, args, device):
    make, image_size, latent_dim, loss_d, loss_g, generator_first = ROWS[row]
    result = dict(row=row, precision=precision, mode=mode, device=args.device,
                  images_per_s=None, compile_s=None, g_params=None, d_params=None,
                  status="failed", error=None, iterations=None, seconds=None,
                  first_iteration_s=None)
    torch.manual_seed(0)
    g, d = make()  # on the CPU, then moved, as the C++ benchmark does
    result["g_params"], result["d_params"] = parameter_count(g), parameter_count(d)
    expected = EXPECTED_PARAMS[row]
    if (result["g_params"], result["d_params"]) != expected:
        print("warning: %s has %d/%d parameters, the C++ networks %d/%d"
              % (row, result["g_params"], result["d_params"], *expected), file=sys.stderr)
    if precision == "fp16" and device.type != "cuda":
        result.update(status="skipped", error="fp16 autocast needs CUDA (the C++ refuses it too)")
        return result
    if args.deadline and time.time() > args.deadline:
        # The GPU check's whole call must end within its time: rows past it are left out.
        result.update(status="not run (time)")
        return result
    if mode == "compiled" and getattr(torch, "compile", None) is None:
        result.update(status="unavailable",
                      error="torch.compile needs PyTorch 2.0+, this is %s" % torch.__version__)
        return result
    try:
        result.update(time_iterations(g, d, row, precision, mode, args, device))
        result["status"] = "ok"
    except Unavailable as exc:
        result.update(status="unavailable", error=str(exc))
    except Exception as exc:  # one row's failure (compiler, memory) must not end the run
        result.update(status="failed", error=first_line(exc))
    return result


def time_iterations(g, d, row, precision, mode, args, device):
    _, image_size, latent_dim, loss_d, loss_g, generator_first = ROWS[row]
    g.to(device)
    d.to(device)
    if args.channels_last:
        g.to(memory_format=torch.channels_last)
        d.to(memory_format=torch.channels_last)
    g.train()
    d.train()
    real = torch.rand(args.batch_size, 3, image_size, image_size, device=device) * 2 - 1
    if args.channels_last:
        real = real.contiguous(memory_format=torch.channels_last)

    if precision == "fp32":
        autocast = contextlib.nullcontext  # the C++ opens no autocast scope at all
    else:
        dtype = torch.bfloat16 if precision == "bf16" else torch.float16
        autocast = lambda: torch.autocast(device_type=device.type, dtype=dtype)  # noqa: E731
    scalers = (None, None)
    if precision == "fp16":  # the experiments' precision.mixed_precision=fp16: one scaler each
        scaler = MirrorLossScaler if args.loss_scaler == "mirror" else TorchLossScaler
        scalers = (scaler(), scaler())
    foreach = {"default": None, "foreach": True, "for-loop": False}[args.adam]

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    g_run, d_run = g, d
    if mode == "compiled":
        g_run = compile_network(g, args.compile_backend)
        d_run = compile_network(d, args.compile_backend)
    updater = Updater(g, d, g_run, d_run, loss_d, loss_g, generator_first, latent_dim,
                      autocast, scalers, foreach)
    out = {}
    # The first iteration: set-up, and in compiled mode the compilation of every graph the
    # iteration takes (D with and without trainable weights, G with and without autograd,
    # each input dtype).
    sync()
    start = time.perf_counter()
    updater.update(real)
    sync()
    out["first_iteration_s"] = time.perf_counter() - start
    if mode == "compiled":
        out["compile_s"] = out["first_iteration_s"]
    # Further warm-up (cuDNN's choices, the allocator; the C++ runs 3 untimed iterations),
    # whose time per iteration sizes the timed run to about --seconds.
    warm = max(0, args.warmup - 1)
    start = time.perf_counter()
    for _ in range(warm):
        updater.update(real)
    sync()
    per_iteration = (time.perf_counter() - start) / warm if warm else out["first_iteration_s"]
    iterations = max(1, int(round(args.seconds / max(per_iteration, 1e-6))))
    graphs = compiled_graphs()
    sync()
    start = time.perf_counter()
    for _ in range(iterations):
        updater.update(real)
    sync()
    elapsed = time.perf_counter() - start
    if compiled_graphs() != graphs:
        print("warning: %s %s %s: torch.compile compiled again inside the timed run"
              % (row, precision, mode), file=sys.stderr)
    out.update(images_per_s=iterations * args.batch_size / elapsed, iterations=iterations,
               seconds=elapsed)
    return out


def release(device):
    # The last row's networks, optimizer state and compiled graphs, before the next row.
    gc.collect()
    reset_compiler()
    if device.type == "cuda":
        torch.cuda.empty_cache()


def write_json(path, results):
    # Atomically: a reader never sees half a file, and a killed run leaves the last rows.
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".pytorch_train_step.", suffix=".json", dir=directory)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(results, f, indent=1)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def describe(r):
    speed = "%9.1f img/s" % r["images_per_s"] if r["images_per_s"] is not None else "%15s" % "-"
    compile_s = "compile %6.1f s" % r["compile_s"] if r["compile_s"] is not None else ""
    line = "%-13s %-5s %-9s %-5s %s  G %9d  D %9d  %-11s %s" % (
        r["row"], r["precision"], r["mode"], r["device"], speed, r["g_params"], r["d_params"],
        r["status"], compile_s)
    return line.rstrip() + ("  (%s)" % r["error"] if r["error"] else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    parser.add_argument("--rows", default=",".join(ROWS))
    parser.add_argument("--precisions", default="fp32,bf16,fp16")
    parser.add_argument("--modes", default="eager,compiled")
    parser.add_argument("--seconds", type=float, default=3.0, help="timed run per row")
    parser.add_argument("--json", help="write the results here (a list of objects)")
    parser.add_argument("--deadline", type=float, default=0,
                        help="Unix time after which no further row starts (0: none)")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--warmup", type=int, default=3,
                        help="untimed iterations, the first included (the C++ runs 3)")
    parser.add_argument("--loss-scaler", choices=["torch", "mirror"], default="torch",
                        help="fp16: PyTorch's GradScaler, or the C++ scaler's ops one for one")
    parser.add_argument("--adam", choices=["default", "foreach", "for-loop"], default="default",
                        help="torch.optim.Adam's implementation (default: PyTorch's choice)")
    parser.add_argument("--channels-last", action="store_true",
                        help="G, D and the batch channels-last (precision.channels_last)")
    parser.add_argument("--compile-backend", default="inductor",
                        help="torch.compile's backend (default mode); aot_eager checks tracing")
    parser.add_argument("--threads", type=int, default=0,
                        help="CPU threads; 0: one per CPU, as the C++ SetThreadCount(0)")
    args = parser.parse_args()

    rows = [r for r in args.rows.split(",") if r]
    precisions = [p for p in args.precisions.split(",") if p]
    modes = [m for m in args.modes.split(",") if m]
    for name, values, known in (("row", rows, ROWS), ("precision", precisions,
                                                       ("fp32", "bf16", "fp16")),
                                ("mode", modes, ("eager", "compiled"))):
        unknown = [v for v in values if v not in known]
        if unknown:
            parser.error("unknown %s %s (known: %s)" % (name, ", ".join(unknown),
                                                         ", ".join(known)))
    torch.set_num_threads(args.threads if args.threads > 0 else (os.cpu_count() or 1))
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda, but torch.cuda.is_available() is False")
    device = torch.device("cuda", torch.cuda.current_device()) if args.device == "cuda" \
        else torch.device("cpu")
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU, %d threads" \
        % torch.get_num_threads()
    print("PyTorch %s on %s (%s); batch %d" % (torch.__version__, args.device, name,
                                              args.batch_size), flush=True)

    results = []
    for row in rows:
        for precision in precisions:
            for mode in modes:
                result = measure(row, precision, mode, args, device)
                release(device)
                result.update(device_name=name, torch_version=torch.__version__,
                              batch_size=args.batch_size)
                results.append(result)
                print(describe(result), flush=True)
                if args.json:
                    write_json(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
