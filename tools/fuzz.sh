#!/usr/bin/env bash
# Builds the libFuzzer targets of gan/fuzz with clang (bazel --config=fuzz) and runs each
# for a bounded time, starting from its committed corpus. New interesting inputs go to a
# scratch directory, never into the repository; a crash leaves its input in the current
# directory (crash-*, oom-*, leak-*) and makes this script fail. Add such an input to
# gan/fuzz/corpus/<target>/ once it is fixed: the corpus is replayed by `bazel test`.
#
#   tools/fuzz.sh            # every target, 20 s each
#   tools/fuzz.sh 600 idx    # the IDX reader for 10 minutes
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-20}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(idx cifar10 stl10 config checkpoint); fi

labels=()
for target in "${targets[@]}"; do labels+=("//gan/fuzz:${target}_fuzzer"); done
bazel build --config=fuzz "${labels[@]}"
bin="$(bazel info --config=fuzz bazel-bin)/gan/fuzz"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for target in "${targets[@]}"; do
  options=(-max_total_time="$seconds" -rss_limit_mb=2048 -seed=1 -print_final_stats=1)
  # LibTorch's zip reader leaks its state when it rejects a file: not ours to fix. Both
  # libFuzzer's per-input check and ASan's check at exit must be off for this target.
  asan_options="${ASAN_OPTIONS:-}"
  if [ "$target" = checkpoint ]; then
    options+=(-detect_leaks=0)
    asan_options="detect_leaks=0${asan_options:+:$asan_options}"
  fi
  mkdir -p "$scratch/$target"
  echo "fuzz: ${target}_fuzzer for ${seconds} s"
  log="$scratch/$target.log"
  status=0
  ASAN_OPTIONS="$asan_options" "$bin/${target}_fuzzer" "${options[@]}" "$scratch/$target" \
    "gan/fuzz/corpus/$target" >"$log" 2>&1 || status=$?
  grep -E "^(INFO: seed corpus|stat::number_of_executed_units|stat::peak_rss_mb)" "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$log" >&2
    echo "fuzz: ${target}_fuzzer failed (exit $status); its input is in $(pwd)" >&2
    exit 1
  fi
done
echo "fuzz: ${#targets[@]} targets ran without a crash"
