#!/usr/bin/env bash
# Runs a command in the Debian 13 (trixie) root: LibTorch 2.6, g++ 14, Abseil 2024, Bazel
# 4.2.3. `tools/debian_root.sh trixie` under its older name; GAN_DEBIAN13_ROOT and
# GAN_DEBIAN13_CUDA are still honoured.
#
#   tools/debian13.sh bazel test //...
set -euo pipefail
export GAN_DEBIAN_ROOT="${GAN_DEBIAN_ROOT:-${GAN_DEBIAN13_ROOT:-}}"
export GAN_DEBIAN_CUDA="${GAN_DEBIAN_CUDA:-${GAN_DEBIAN13_CUDA:-}}"
[ -n "$GAN_DEBIAN_ROOT" ] || unset GAN_DEBIAN_ROOT
exec "$(dirname "$0")/debian_root.sh" trixie "$@"
