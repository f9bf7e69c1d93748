#!/usr/bin/env python3
"""Prints the GPU check's results (tools/gpu_check/run.sh) as one Markdown report, ready
for benchmarks/README.md: the machine and versions, how long each stage took, each test's
result, and images/s of the toolkit's training iteration beside PyTorch eager and compiled.

  report.py RESULTS_DIR
"""

import glob
import json
import os
import platform
import subprocess
import sys

PRECISIONS = ["fp32", "bf16", "fp16"]  # the benchmark's arguments 0, 1, 2
ROWS = {"BM_Dcgan96": "dcgan96", "BM_StyleGan2_32": "stylegan2_32", "BM_StyleGan2_64": "stylegan2_64"}


def load(path, default):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def machine_lines():
    probe = ("import torch; c = torch.cuda.is_available(); "
             "print(torch.__version__, torch.version.cuda, torch.backends.cudnn.version() if c else None, "
             "torch.cuda.get_device_name(0) if c else 'no GPU', sep='|')")
    try:
        versions = subprocess.run([os.environ.get("PYTHON", "python3"), "-c", probe], text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.strip()
        torch_version, cuda, cudnn, gpu = versions.split("|")
    except ValueError:
        torch_version = cuda = cudnn = gpu = "unknown"
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    return ["- GPU: %s; CPU: %s, %d cores" % (gpu, cpu, os.cpu_count()),
            "- PyTorch/LibTorch %s, CUDA %s, cuDNN %s, Python %s" % (
                torch_version, cuda, cudnn, platform.python_version())]


def test_lines(results):
    lines = ["| test binary | passed | failed | skipped |", "|---|---|---|---|"]
    failed_names = []
    for path in sorted(glob.glob(os.path.join(results, "*_test.json"))):
        report = load(path, {})
        counts = {"passed": 0, "failed": 0, "skipped": 0}
        for suite in report.get("testsuites", []):
            for test in suite.get("testsuite", []):
                if test.get("failures"):
                    counts["failed"] += 1
                    failed_names.append("%s.%s" % (suite["name"], test["name"]))
                elif test.get("result") == "SKIPPED":
                    counts["skipped"] += 1
                else:
                    counts["passed"] += 1
        name = os.path.basename(path)[:-len(".json")]
        lines.append("| %s | %d | %d | %d |" % (name, counts["passed"], counts["failed"], counts["skipped"]))
    for name in sorted(glob.glob(os.path.join(results, "*_test.log"))):
        if not os.path.exists(name[:-len(".log")] + ".json"):
            lines.append("| %s | crashed: see its .log | | |" % os.path.basename(name)[:-len(".log")])
    if failed_names:
        lines.append("")
        lines.append("Failed: " + ", ".join(failed_names))
    return lines


def speed_lines(results):
    toolkit, params = {}, {}
    benchmark = load(os.path.join(results, "benchmark.json"), {})
    for row in benchmark.get("benchmarks", []):
        base, _, argument = row["name"].split("/real_time")[0].partition("/")
        if base not in ROWS or not argument.isdigit():
            continue
        key = (ROWS[base], PRECISIONS[int(argument)])
        toolkit[key] = row.get("error_message") if row.get("error_occurred") else row.get("images/s")
        if "g_params" in row:
            params[ROWS[base]] = (int(row["g_params"]), int(row["d_params"]))
    pytorch = {}
    for row in load(os.path.join(results, "pytorch.json"), []):
        key = (row["row"], row["precision"], row["mode"])
        pytorch[key] = row["images_per_s"] if row["status"] == "ok" else row["status"]
        if row["status"] == "ok" and row["row"] in params and (
                (row["g_params"], row["d_params"]) != params[row["row"]]):
            pytorch[key] = "parameter counts differ: %s vs %s" % (
                (row["g_params"], row["d_params"]), params[row["row"]])

    def cell(value):
        if value is None:
            return "not run"
        return "%.0f" % value if isinstance(value, (int, float)) else str(value)

    lines = ["| network | precision | toolkit (images/s) | PyTorch eager | PyTorch compiled |",
             "|---|---|---|---|---|"]
    for row in ROWS.values():
        for precision in PRECISIONS:
            lines.append("| %s | %s | %s | %s | %s |" % (
                row, precision, cell(toolkit.get((row, precision))),
                cell(pytorch.get((row, precision, "eager"))),
                cell(pytorch.get((row, precision, "compiled")))))
    return lines


def main():
    results = sys.argv[1]
    lines = ["## GPU check", ""] + machine_lines() + ["", "| stage | result | seconds |", "|---|---|---|"]
    total = 0
    for line in open(os.path.join(results, "stages.tsv")):
        name, result, seconds = line.rstrip("\n").split("\t")
        total += int(seconds)
        lines.append("| %s | %s | %s |" % (name, result, seconds))
    lines += ["| total | | %d |" % total, ""] + test_lines(results) + [""] + speed_lines(results)
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(results, "report.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
