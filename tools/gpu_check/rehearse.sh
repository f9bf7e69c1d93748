#!/usr/bin/env bash
# The GPU check's rehearsal, on a machine without a GPU: tools/gpu_check/run.sh in a bare
# Debian 13 root that has only what the GPU machine has (a compiler, CMake, ninja, Python
# and PyTorch 2.6, whose torch/ is laid out as a wheel's; tools/gpu_check/rehearsal_packages.txt),
# after remaking the bundle here. Everything the GPU machine would run runs, on the CPU: the build
# from Bazel's command lines against that LibTorch and the bundled libraries, the GPU tests
# (those that need a GPU skip; the others compare CPU with CPU), and the DCGAN rows of the
# training-step comparison.
#
#   tools/gpu_check/rehearse.sh        # first run makes the root (minutes, about 2 GB)
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/gpu_check/bundle.py
export GAN_DEBIAN_PACKAGES=tools/gpu_check/rehearsal_packages.txt
tools/debian_root.sh trixie bash -euc '
  # Debian python3-torch is laid out as a wheel (torch/include, torch/lib), its include/
  # linking to /usr/include: the headers of libtorch-dev go there, unpacked without its
  # dependencies.
  if [ ! -d /usr/include/torch ]; then
    work="$(mktemp -d)"
    (cd "$work" && apt-get download -q libtorch-dev && dpkg-deb -x libtorch-dev_*.deb unpacked)
    cp -a "$work"/unpacked/usr/include/* /usr/include/
    rm -rf "$work"
  fi
  # Two cores build for 8 minutes where the GPU machine takes one or two: a longer budget.
  GAN_GPU_CHECK_BUDGET=1500 GAN_GPU_CHECK_OUT=gpu_build/rehearsal tools/gpu_check/run.sh'
