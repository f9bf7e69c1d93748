#!/usr/bin/env bash
# Runs a command over this checkout inside a root of another Debian suite, whose packages
# (the list of tools/debian_packages.txt) give another LibTorch, compiler, Abseil and Bazel:
#
#   tools/debian_root.sh trixie bazel test //...   # Debian 13: LibTorch 2.6, g++ 14, Bazel 4.2.3
#   tools/debian_root.sh forky bazel test //...    # testing: LibTorch 2.14, g++ 16, Bazel 7.7.1
#   tools/debian_root.sh forky bazel run //gan/experiments:dcgan_fashion_mnist
#
# (tools/debian13.sh is `tools/debian_root.sh trixie`.) The first call for a suite builds its
# root with debootstrap (a few minutes; about 3 GB) and keeps it in
# ${GAN_DEBIAN_ROOT:-~/.cache/gan-debian-SUITE} (trixie's: ~/.cache/gan-debian13); later calls
# reuse it, installing only what the package list gained. Packages come from the Debian
# mirror this machine's apt uses (override with DEBIAN_MIRROR=URL). The checkout is mounted
# at its own path, Bazel's output base and disk cache stay inside the root, and the host's
# bazel-* links are left alone. Needs root (uses sudo otherwise) for debootstrap (installed
# from Debian's packages when missing), mounts and chroot.
#
# GAN_DEBIAN_CUDA=1 makes a second root (SUITE-cuda) with the suite's CUDA build of LibTorch
# instead (libtorch-cuda-dev from contrib, the CUDA toolkit's headers and NCCL from
# non-free, about 9 GB), laid out as an archive at /opt/libtorch, which is what
# --config=cuda builds against:
#
#   GAN_DEBIAN_CUDA=1 tools/debian_root.sh trixie bazel test --config=cuda //...
#
# It checks, on a machine without a GPU, that the CUDA build compiles, links and passes the
# tests that need none (the GPU tests skip themselves). cuDNN and the driver's libcuda are
# NVIDIA downloads, not Debian packages: the root holds empty stand-ins for them, so it can
# never run on a GPU.
#
# GAN_DEBIAN_PACKAGES=FILE installs FILE's list instead, in a root of its own (named after
# FILE): tools/gpu_check/rehearse.sh makes a bare root of what a GPU machine has with it.
set -euo pipefail

checkout="$(cd "$(dirname "$0")/.." && pwd)"
package_list="$(realpath "${GAN_DEBIAN_PACKAGES:-$checkout/tools/debian_packages.txt}")"
list_name=""
if [ -n "${GAN_DEBIAN_PACKAGES:-}" ]; then list_name="-$(basename "$package_list" .txt)"; fi
usage="usage: tools/debian_root.sh trixie|forky COMMAND [ARGS...]   (e.g. ... forky bazel test //...)"
if [ $# -lt 2 ]; then
  echo "$usage" >&2
  exit 2
fi
suite="$1"
shift
case "$suite" in
  trixie) default_name=gan-debian13 ;;
  forky) default_name=gan-debian-forky ;;
  *) echo "debian_root: unknown suite '$suite'; $usage" >&2; exit 2 ;;
esac
cuda="${GAN_DEBIAN_CUDA:-}"
root="${GAN_DEBIAN_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/$default_name${cuda:+-cuda}$list_name}"

if [ "$(id -u)" -ne 0 ]; then
  exec sudo --preserve-env=GAN_DEBIAN_ROOT,GAN_DEBIAN_CUDA,GAN_DEBIAN_PACKAGES,DEBIAN_MIRROR,CI \
    GAN_DEBIAN_ROOT="$root" GAN_DEBIAN_PACKAGES="${GAN_DEBIAN_PACKAGES:+$package_list}" "$0" "$suite" "$@"
fi

mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' \
  "$package_list")
components="main"
if [ -n "$cuda" ]; then
  # The CUDA builds of LibTorch and Gloo replace the CPU ones; NCCL and the CUDA runtime's
  # headers are what LibTorch's CUDA and NCCL headers include.
  mapfile -t packages < <(printf '%s\n' "${packages[@]}" |
    sed -e 's/^libtorch-dev$/libtorch-cuda-dev/' -e 's/^libgloo-dev$/libgloo-cuda-dev/' \
      -e 's/^python3-torch$/python3-torch-cuda/')
  packages+=(libnccl-dev nvidia-cuda-dev)
  components="main contrib non-free"
fi

# The Debian archive this machine's apt already uses (not its security archive).
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  local uri
  uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
           awk '$1 == "deb" { for (i = 2; i <= NF; ++i) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }';
         cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '$1 == "URIs:" { print $2 }')"
  uri="$(echo "$uri" | grep -E '/debian/?$' | head -n 1 || true)"
  if [ -z "$uri" ]; then
    echo "debian_root: no Debian archive in /etc/apt/sources.list*; set DEBIAN_MIRROR=URL" >&2
    exit 1
  fi
  echo "$uri"
}

# Runs "$@" chrooted in $1 with /proc, /dev and the checkout mounted, in a private mount
# namespace so that nothing stays mounted afterwards.
in_root() {
  local dir="$1"
  shift
  unshare --mount --propagation private -- /bin/bash -euc '
    dir="$1" checkout="$2"
    shift 2
    mount -t proc proc "$dir/proc"
    mount --rbind /dev "$dir/dev"
    mount -t sysfs sysfs "$dir/sys"
    mkdir -p "$dir$checkout"
    mount --bind "$checkout" "$dir$checkout"
    exec chroot "$dir" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
      CI="${CI:-}" DEBIAN_FRONTEND=noninteractive \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      /bin/bash -c "cd \"\$0\" && exec \"\$@\"" "$checkout" "$@"
  ' _ "$dir" "$checkout" "$@"
}

# A package that provides cuDNN and the driver's library, so that the CUDA LibTorch installs
# without them.
install_cuda_stand_in_package() {
  local dir="$1" package="$1/tmp/gan-cuda-stand-ins"
  rm -rf "$package"
  mkdir -p "$package/DEBIAN"
  cat > "$package/DEBIAN/control" <<'CONTROL'
Package: gan-cuda-stand-ins
Version: 1.0
Architecture: amd64
Maintainer: GAN toolkit <nobody@invalid>
Provides: nvidia-cudnn (= 9.99), libcuda1 (= 999), libcuda.so.1 (= 999)
Description: stand-ins for cuDNN and libcuda (tools/debian_root.sh, no GPU)
CONTROL
  in_root "$dir" dpkg-deb --build /tmp/gan-cuda-stand-ins /tmp/gan-cuda-stand-ins.deb
  in_root "$dir" dpkg -i /tmp/gan-cuda-stand-ins.deb
  rm -rf "$package" "$package.deb"
}

# libcudnn.so.9 defining (as functions that fail) every cuDNN symbol LibTorch binds at load
# time, under cuDNN's symbol version; an empty libcuda.so.1, which the CUDA runtime loads
# and, finding nothing in it, reports no GPU.
make_cuda_stand_in_libraries() {
  in_root "$1" /bin/bash -euc '
    lib=/usr/lib/x86_64-linux-gnu work=$(mktemp -d)
    objdump -T $lib/libtorch_cuda.so $lib/libtorch_python.so |
      awk "/\*UND\*/ && /\(libcudnn\.so\.9\)/ { print \$NF }" | sort -u |
      sed "s/.*/int &(void) { return 4; }/" > $work/cudnn.c
    echo "libcudnn.so.9 { global: *; };" > $work/cudnn.map
    gcc -shared -fPIC -Wl,-soname,libcudnn.so.9 -Wl,--version-script=$work/cudnn.map \
      -o $lib/libcudnn.so.9 $work/cudnn.c
    echo "void gan_no_driver(void) {}" > $work/cuda.c
    gcc -shared -fPIC -Wl,-soname,libcuda.so.1 -o $lib/libcuda.so.1 $work/cuda.c
    rm -r $work
    ldconfig'
}

# /opt/libtorch as the PyTorch site's archive lays it out (include/, lib/), made of links
# to where Debian installs LibTorch.
link_libtorch_archive() {
  local dir="$1" name
  mkdir -p "$dir/opt/libtorch/include"
  for name in ATen THC c10 caffe2 kineto torch libshm.h; do
    if [ -e "$dir/usr/include/$name" ]; then ln -sfn "/usr/include/$name" "$dir/opt/libtorch/include/$name"; fi
  done
  ln -sfn /usr/lib/x86_64-linux-gnu "$dir/opt/libtorch/lib"
}

install_packages() {
  local dir="$1"
  in_root "$dir" apt-get update -q
  in_root "$dir" apt-get install -y -q --no-install-recommends "${packages[@]}"
  in_root "$dir" apt-get clean
  printf '%s\n' "${packages[@]}" > "$dir/.gan-packages"
}

if [ ! -f "$root/.gan-packages" ]; then
  # Built beside its final place and moved there when complete: an interrupted build is
  # never taken for a root.
  partial="$root.partial"
  rm -rf "$partial"
  mkdir -p "$(dirname "$root")"
  mirror="$(debian_mirror)"
  if ! command -v debootstrap >/dev/null; then
    echo "debian_root: installing Debian's debootstrap on this machine (once)"
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
  fi
  echo "debian_root: creating the Debian $suite root in $root from $mirror (once)"
  # Debian 12's debootstrap predates forky; sid's script makes any later suite.
  script=/usr/share/debootstrap/scripts/$suite
  [ -e "$script" ] || script=/usr/share/debootstrap/scripts/sid
  debootstrap --variant=minbase "$suite" "$partial" "$mirror" "$script"
  echo "deb $mirror $suite $components" > "$partial/etc/apt/sources.list"
  # A testing suite's Release file expires within days; a mirror that keeps a snapshot
  # serves one past that date, which apt would refuse.
  echo 'Acquire::Check-Valid-Until "false";' > "$partial/etc/apt/apt.conf.d/99gan-snapshot"
  if [ -n "$cuda" ]; then
    install_cuda_stand_in_package "$partial"
  fi
  install_packages "$partial"
  if [ -n "$cuda" ]; then
    make_cuda_stand_in_libraries "$partial"
    link_libtorch_archive "$partial"
  fi
  rm -rf "$root"
  mv "$partial" "$root"
elif [ "$(printf '%s\n' "${packages[@]}")" != "$(cat "$root/.gan-packages")" ]; then
  echo "debian_root: $package_list changed; updating the $suite root"
  install_packages "$root"
  if [ -n "$cuda" ]; then make_cuda_stand_in_libraries "$root"; fi
fi

# Bazel inside the root: no bazel-* links over the host's, no server left for long.
printf 'startup --max_idle_secs=300\nbuild --symlink_prefix=/\n' > "$root/etc/bazel.bazelrc"
# LibTorch 2.12 and later need C++20, as their torch/all.h says (third_party/libtorch.bzl
# checks the same): the user bazelrc, read after the workspace's, sets it for every
# workspace in the root.
if grep -qs "C++20 or later" "$root/usr/include/torch/csrc/api/include/torch/all.h" \
  "$root/opt/libtorch/include/torch/csrc/api/include/torch/all.h"; then
  printf '# This LibTorch needs C++20 (tools/debian_root.sh)\nbuild --cxxopt=-std=c++20 --host_cxxopt=-std=c++20\n' \
    > "$root/root/.bazelrc"
else
  rm -f "$root/root/.bazelrc"
fi

in_root "$root" "$@"
