#!/usr/bin/env bash
# Runs a command over this checkout inside a Debian 13 root, where the packages of
# tools/debian_packages.txt give LibTorch 2.6 (g++ 14, Abseil 2024, glog 0.7) instead of
# Debian 12's LibTorch 1.13:
#
#   tools/debian13.sh bazel test //...
#   tools/debian13.sh bazel run //gan/experiments:dcgan_fashion_mnist
#
# The first call builds the root with debootstrap (a few minutes; about 3 GB) and keeps it
# in ${GAN_DEBIAN13_ROOT:-~/.cache/gan-debian13}; later calls reuse it, installing only what
# the package list gained. Packages come from the Debian mirror this machine's apt uses
# (override with DEBIAN_MIRROR=URL). The checkout is mounted at its own path, Bazel's
# output base and disk cache stay inside the root, and the host's bazel-* links are left
# alone. Needs root (uses sudo otherwise) for debootstrap, mounts and chroot.
set -euo pipefail

checkout="$(cd "$(dirname "$0")/.." && pwd)"
root="${GAN_DEBIAN13_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/gan-debian13}"

if [ $# -eq 0 ]; then
  echo "usage: tools/debian13.sh COMMAND [ARGS...]   (e.g. tools/debian13.sh bazel test //...)" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  exec sudo --preserve-env=GAN_DEBIAN13_ROOT,DEBIAN_MIRROR,CI \
    GAN_DEBIAN13_ROOT="$root" "$0" "$@"
fi

mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' \
  "$checkout/tools/debian_packages.txt")

# The Debian archive this machine's apt already uses (not its security archive).
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  local uri
  uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
           awk '$1 == "deb" { for (i = 2; i <= NF; ++i) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }';
         cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '$1 == "URIs:" { print $2 }')"
  uri="$(echo "$uri" | grep -E '/debian/?$' | head -n 1 || true)"
  if [ -z "$uri" ]; then
    echo "debian13: no Debian archive in /etc/apt/sources.list*; set DEBIAN_MIRROR=URL" >&2
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
  echo "debian13: creating the Debian 13 root in $root from $mirror (once)"
  debootstrap --variant=minbase trixie "$partial" "$mirror"
  echo "deb $mirror trixie main" > "$partial/etc/apt/sources.list"
  # Bazel inside the root: no bazel-* links over the host's, no server left for long.
  printf 'startup --max_idle_secs=300\nbuild --symlink_prefix=/\n' > "$partial/etc/bazel.bazelrc"
  install_packages "$partial"
  rm -rf "$root"
  mv "$partial" "$root"
elif [ "$(printf '%s\n' "${packages[@]}")" != "$(cat "$root/.gan-packages")" ]; then
  echo "debian13: tools/debian_packages.txt changed; updating the root"
  install_packages "$root"
fi

in_root "$root" "$@"
