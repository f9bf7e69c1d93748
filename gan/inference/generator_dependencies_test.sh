#!/usr/bin/env bash
# //gan/inference:generator must not pull in the trainer, data loaders, metrics, the
# experiments or the network code: a program that only generates images links LibTorch,
# Abseil and this one library.
set -euo pipefail
deps="$1"
grep -q '^//gan/inference:generator$' "$deps" || { echo "FAIL: $deps does not list the library itself"; exit 1; }
forbidden="$(grep -E '^//gan/(train|data|metrics|experiments|networks|checkpoint|losses)[/:]' "$deps" || true)"
if [ -n "$forbidden" ]; then
  echo "FAIL: //gan/inference:generator depends on:"
  echo "$forbidden"
  exit 1
fi
echo "PASS: $(grep -c '^//gan/' "$deps") toolkit targets in the closure, none of train, data, metrics, experiments, networks, checkpoint, losses"
