#!/usr/bin/env bash
# The GPU check: on a machine with an NVIDIA GPU, PyTorch (a wheel: LibTorch's headers and
# libraries in torch/, the CUDA runtime, cuDNN, cuBLAS and NCCL in nvidia/*), a C++ compiler,
# ninja and Python, but no Bazel and none of the toolkit's other libraries, it
#   1. builds the GPU tests and the GPU training-step benchmark against the wheel's LibTorch,
#      with ninja, from the command lines tools/gpu_check/bundle.py took from Bazel (the
#      bundle, gpu_bundle/, travels with the tree: make it first on the Debian 12 machine);
#   2. runs every test tagged "gpu" (fp16 with loss scaling, NCCL, every family's training
#      iteration against the CPU, export on CUDA, ADA on CUDA);
#   3. times the training iteration of the DCGAN at 96x96 and StyleGAN2 at 32 and 64 pixels,
#      fp32, bf16 and fp16, in the toolkit and in PyTorch eager and torch.compile'd;
#   4. prints one table (report.py), with how long each stage took.
# While ninja builds, the PyTorch side compiles its graphs into a cache that its timed run
# then reads, so that torch.compile's minutes overlap the build instead of following it.
#
#   tools/gpu_check/run.sh                 # on the GPU machine; at most 510 s
#   tools/gpu_check/rehearse.sh            # here: the same on the CPU, in a bare root
#
# Environment: GAN_TORCH_DIR (default: the torch/ of `python3 -c "import torch"`), PYTHON,
# CC, GAN_GPU_CHECK_OUT (default gpu_build), GAN_GPU_CHECK_SECONDS (per timed row, default 2),
# GAN_GPU_CHECK_BUDGET (seconds the call may take, default 510: the machine allows a command
# 600). No PyTorch row starts after the budget (compiling no later than 200 s before its
# end, so the rest has time); rows left out say "not run (time)", and a second call
# (ninja and the compile cache then have their work done) fills them in.
# Exit status: 0 when everything built and every test passed.
set -uo pipefail
cd "$(dirname "$0")/../.."
out="${GAN_GPU_CHECK_OUT:-gpu_build}"
python="${PYTHON:-python3}"
seconds="${GAN_GPU_CHECK_SECONDS:-2}"
deadline=$(($(date +%s) + ${GAN_GPU_CHECK_BUDGET:-510}))
mkdir -p "$out/results" "$out/tmp"
export TEST_TMPDIR="$PWD/$out/tmp"
stages="$out/results/stages.tsv"
: > "$stages"
stage_start=$SECONDS
stage_done() {  # NAME STATUS
  printf '%s\t%s\t%d\n' "$1" "$2" $((SECONDS - stage_start)) >> "$stages"
  echo "gpu_check: $1: $2 ($((SECONDS - stage_start)) s)"
  stage_start=$SECONDS
}

if [ ! -f gpu_bundle/graph.json ]; then
  echo "gpu_check: gpu_bundle/ is missing: run tools/gpu_check/bundle.py on the Debian 12 machine first" >&2
  exit 2
fi
torch="${GAN_TORCH_DIR:-$("$python" -c 'import os, torch; print(os.path.dirname(torch.__file__))')}"
site="$(dirname "$torch")"
if ! "$python" -c 'import sys, torch; sys.exit(not torch.compiled_with_cxx11_abi())'; then
  echo "gpu_check: $torch is built with the pre-C++11 ABI; the bundled Debian libraries need the C++11 ABI (PyTorch 2.7 and later wheels)" >&2
  exit 2
fi
gpu=0
if [ -e "$torch/lib/libtorch_cuda.so" ] && "$python" -c 'import sys, torch; sys.exit(not torch.cuda.is_available())'; then
  gpu=1
fi

# The CUDA runtime's and NCCL's headers: the CUDA toolkit's, else the nvidia/* wheels'.
first_dir_with() {  # HEADER DIR...
  local header="$1" dir
  shift
  for dir in "$@"; do
    if [ -f "$dir/$header" ]; then echo "$dir"; return; fi
  done
  find "$site/nvidia" -name "$header" -printf '%h\n' 2>/dev/null | head -n 1
}
configure_args=(--torch "$torch")
if [ -e "$torch/lib/libtorch_cuda.so" ]; then
  nvcc_include=""
  if command -v nvcc >/dev/null; then nvcc_include="$(dirname "$(dirname "$(command -v nvcc)")")/include"; fi
  configure_args+=(--cuda_include "$(first_dir_with cuda_runtime_api.h "${CUDA_HOME:-/usr/local/cuda}/include" "$nvcc_include")")
  configure_args+=(--nccl_include "$(first_dir_with nccl.h /usr/include)")
  for lib in "$site"/nvidia/*/lib; do configure_args+=(--rpath_link "$lib"); done
fi
if "$python" tools/gpu_check/configure.py "${configure_args[@]}" --build_dir "$out" > /dev/null; then
  stage_done configure ok
else
  stage_done configure failed
  exit 1
fi

# PyTorch's compiled graphs, into a cache, while ninja builds.
export TORCHINDUCTOR_CACHE_DIR="$PWD/$out/inductor_cache"
pytorch_args=(--device "$([ $gpu = 1 ] && echo cuda || echo cpu)")
if [ $gpu = 0 ]; then
  # The CPU of the rehearsal: the smallest row only (StyleGAN2 takes seconds per iteration).
  pytorch_args+=(--rows dcgan96 --precisions fp32,bf16)
fi
"$python" tools/gpu_check/pytorch_train_step.py "${pytorch_args[@]}" --modes compiled \
  --seconds 0 --deadline $((deadline - 200)) --json "$out/results/pytorch_warm_up.json" > "$out/results/pytorch_warm_up.log" 2>&1 &
warm_up=$!

if ninja -f "$out/build.ninja" -j "$(nproc)" > "$out/results/build.log" 2>&1; then
  stage_done "build ($(grep -c '^build .*: compile' "$out/build.ninja") compiles)" ok
else
  tail -n 40 "$out/results/build.log"
  stage_done build failed
  wait $warm_up
  exit 1
fi
wait $warm_up
stage_done "torch.compile warm-up (after the build)" "exit $?"

status=0
for test in $("$python" -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))["tests"]))' "$out/binaries.json"); do
  name="$(basename "$test")"
  timeout 300 "$test" --gtest_output="json:$out/results/$name.json" > "$out/results/$name.log" 2>&1
  code=$?
  [ $code = 0 ] || status=1
  stage_done "test $name" "exit $code"
done

benchmark="$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["benchmark"])' "$out/binaries.json")"
benchmark_args=(--benchmark_min_time="$seconds" --benchmark_format=json --benchmark_out="$out/results/benchmark.json")
if [ $gpu = 0 ]; then benchmark_args+=(--benchmark_filter='Dcgan96/[01]' --benchmark_min_time=0.1); fi
"$benchmark" "${benchmark_args[@]}" > "$out/results/benchmark.log" 2>&1
stage_done "toolkit training step" "exit $?"

"$python" tools/gpu_check/pytorch_train_step.py "${pytorch_args[@]}" --modes eager,compiled \
  --seconds "$([ $gpu = 1 ] && echo "$seconds" || echo 0.1)" --deadline $((deadline - 15)) \
  --json "$out/results/pytorch.json" \
  > "$out/results/pytorch.log" 2>&1
stage_done "PyTorch training step" "exit $?"

"$python" tools/gpu_check/report.py "$out/results"
exit $status
