#!/usr/bin/env bash
# Installs everything the toolkit needs from Debian 12 packages. Idempotent: packages
# already present are skipped, so it is safe (and fast) to re-run.
set -euo pipefail

packages=(
  bazel-bootstrap          # Bazel 4.2.3
  g++ pkg-config
  libtorch-dev             # LibTorch 1.13 (CPU)
  libgloo-dev              # headers of the Gloo transport that LibTorch's c10d data parallelism uses
  libopenblas0-pthread     # fast BLAS for LibTorch (the reference BLAS is several times slower)
  libabsl-dev libgoogle-glog-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libpng-dev libjpeg-dev zlib1g-dev
  dataset-fashion-mnist    # the default experiment's data, in /usr/share/datasets/fashion-mnist
  chromium                 # headless check that report.html renders
  clang                    # libFuzzer targets (tools/fuzz.sh, bazel --config=fuzz)
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages are installed"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
echo "setup: done"
