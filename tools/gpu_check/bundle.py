#!/usr/bin/python3
"""Prepares, on the Debian 12 machine the toolkit is developed on, what a bare GPU machine
lacks to build the GPU check: the build itself and the system libraries.

  tools/gpu_check/bundle.py [--out gpu_bundle]

The build is read from Bazel's action graph, not written a second time: `bazel aquery` gives
the compile and link command lines of the GPU check's targets (every test tagged "gpu" and
//benchmarks:gpu_train_step_benchmark), analysed twice against a LibTorch laid out as a
PyTorch wheel's torch/ directory, once CUDA (with CUDA and NCCL headers) and once CPU. The
placeholders stand where the wheel's paths go; configure.py rewrites them on the GPU machine.
Nothing is built or fetched for that: the placeholders are empty files.

The system libraries those lines name (Abseil, glog, gflags, GoogleTest, Google Benchmark,
nlohmann_json, libpng, ...) are copied from this machine: the shared libraries that the link
lines' -l flags resolve to here, with the libraries they load in turn (not glibc's or
libstdc++'s, which every machine has), and the headers of every Debian package that the
targets' sources include headers from (found in the .d files of this machine's own build of
the same targets), minus the C library's, the compiler's and LibTorch's.

Output (an ignored folder that travels with the tree to the GPU machine):
  graph.json   {"variants": {"cuda"|"cpu": {"compiles": [...], "links": [...]}},
                "tests": [...], "benchmark": ..., "placeholders": {...}}
  include/     the packages' headers, as under /usr/include
  lib/         the shared libraries (and static archives where Debian ships only those)
  packages.txt the Debian packages and versions they came from
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

BENCHMARK = "//benchmarks:gpu_train_step_benchmark"
TESTS_QUERY = 'attr(tags, "\\bgpu\\b", tests(//...))'
# The libraries that every Linux machine has, or that the wheel brings (LibTorch's own).
PROVIDED_LIBRARIES = {
    "c", "m", "dl", "rt", "pthread", "stdc++", "gcc_s", "atomic",
    "torch", "torch_cpu", "torch_cuda", "c10", "c10_cuda",
}
PROVIDED_SONAME = re.compile(
    r"^(linux-vdso|ld-linux|libc\.|libm\.|libdl\.|librt\.|libpthread\.|libstdc\+\+|libgcc_s|"
    r"libtorch|libc10|libgomp|libopenblas|libblas|liblapack|libgfortran|libquadmath|libdnnl|"
    r"libsleef|libprotobuf|libnuma|libgloo|libkineto|libfmt|libpython)")
# Header packages every compiler brings, or the wheel replaces.
PROVIDED_HEADER_PACKAGES = re.compile(r"^(libc6-dev|linux-libc-dev|libstdc\+\+-\d+-dev|"
                                      r"libgcc-\d+-dev|libtorch-dev|libcrypt-dev)(:.*)?$")
BAZEL_BIN = "bazel-out/k8-opt/bin/"


def run(args, **kwargs):
    return subprocess.run(args, check=True, text=True, stdout=subprocess.PIPE, **kwargs).stdout


def make_placeholders(directory):
    """Empty files where a wheel's torch/, the CUDA runtime's and NCCL's headers would be:
    all that third_party/libtorch.bzl looks at to choose its CUDA or CPU form."""
    paths = {"cuda": {}, "cpu": {}}
    for variant in paths:
        torch = os.path.join(directory, variant, "torch")
        os.makedirs(os.path.join(torch, "include/torch/csrc/api/include/torch"))
        os.makedirs(os.path.join(torch, "lib"))
        paths[variant]["torch"] = torch
    open(os.path.join(paths["cuda"]["torch"], "lib/libtorch_cuda.so"), "w").close()
    for name, header in [("cuda", "cuda_runtime_api.h"), ("nccl", "nccl.h")]:
        include = os.path.join(directory, name, "include")
        os.makedirs(include)
        open(os.path.join(include, header), "w").close()
        paths["cuda"][name] = os.path.dirname(include)
    return paths


def aquery(bazel, output_base, targets, placeholders):
    """The CppCompile and CppLink actions of `targets`, all linked statically (one link line
    per binary, with every first-party object on it)."""
    repo_env = ["--repo_env=LIBTORCH_PATH=" + placeholders["torch"]]
    if "cuda" in placeholders:
        repo_env += ["--repo_env=CUDA_HOME=" + placeholders["cuda"],
                     "--repo_env=NCCL_HOME=" + placeholders["nccl"]]
    query = 'mnemonic("CppCompile|CppLink", deps(set(%s)))' % " ".join(targets)
    text = run([bazel, "--output_base=" + output_base, "aquery", "--dynamic_mode=off",
                "--include_param_files", "--output=jsonproto"] + repo_env + [query],
               stderr=subprocess.DEVNULL)
    return json.loads(text)["actions"]


def binary_path(label):
    package, name = label[2:].split(":")
    return BAZEL_BIN + package + "/" + name


def first_party_graph(actions, binaries):
    """First-party compiles (sources in this repository) and the links of `binaries`."""
    compiles, links = [], []
    for action in actions:
        arguments = action["arguments"]
        params = {p["execPath"] for p in action.get("paramFiles", [])}
        arguments = [a for a in arguments if not (a.startswith("@") and a[1:] in params)]
        if action["mnemonic"] == "CppCompile":
            source = arguments[arguments.index("-c") + 1]
            if source.startswith("external/"):
                continue  # the generated C++ standard check of @libtorch; configure.py has its own
            if source.startswith("bazel-out/"):
                sys.exit("bundle: %s is generated; configure.py builds sources only" % source)
            output = arguments[arguments.index("-o") + 1]
            compiles.append({"source": source, "output": output, "arguments": arguments})
        elif action["mnemonic"] == "CppLink" and "-o" in arguments:  # not an `ar` line
            output = arguments[arguments.index("-o") + 1]
            if output in binaries:
                links.append({"output": output, "arguments": arguments})
    missing = set(binaries) - {link["output"] for link in links}
    if missing:
        sys.exit("bundle: no link line for %s" % ", ".join(sorted(missing)))
    return {"compiles": sorted(compiles, key=lambda c: c["output"]),
            "links": sorted(links, key=lambda l: l["output"])}


def link_library_names(graph):
    names = set()
    for link in graph["links"]:
        names.update(a[2:] for a in link["arguments"] if a.startswith("-l"))
    return sorted(names - PROVIDED_LIBRARIES)


def copy_libraries(names, lib_dir):
    """Copies what -lNAME resolves to here, and what those load (ldd), into lib_dir."""
    os.makedirs(lib_dir, exist_ok=True)
    shared = []
    for name in names:
        path = run(["gcc", "-print-file-name=lib%s.so" % name]).strip()
        if not os.path.isabs(path):
            path = run(["gcc", "-print-file-name=lib%s.a" % name]).strip()
            if not os.path.isabs(path):
                sys.exit("bundle: -l%s resolves to no library here: run tools/setup.sh" % name)
            shutil.copy(path, lib_dir)
            continue
        real = os.path.realpath(path)
        soname = re.search(r"SONAME\s+(\S+)", run(["objdump", "-p", real])).group(1)
        shutil.copy(real, os.path.join(lib_dir, soname))
        os.symlink(soname, os.path.join(lib_dir, "lib%s.so" % name))
        shared.append(real)
    pending = list(shared)
    while pending:
        for line in run(["ldd", pending.pop()]).splitlines():
            match = re.match(r"\s*(\S+) => (/\S+)", line)
            if not match or PROVIDED_SONAME.match(match.group(1)):
                continue
            target = os.path.join(lib_dir, match.group(1))
            if not os.path.exists(target):
                shutil.copy(os.path.realpath(match.group(2)), target)
                pending.append(match.group(2))


def included_header_packages(bazel, targets, compiles):
    """The Debian packages whose headers the targets' own build here included (the .d files
    of the same compiles, which the CPU variant shares with this machine's build)."""
    subprocess.run([bazel, "build"] + targets, check=True)
    bin_dir = run([bazel, "info", "bazel-bin"]).strip()
    headers = set()
    for compile_action in compiles:
        depfile = os.path.join(bin_dir, os.path.relpath(compile_action["output"], BAZEL_BIN))
        with open(os.path.splitext(depfile)[0] + ".d") as f:
            for word in f.read().replace("\\\n", " ").split():
                if word.startswith("/usr/include/"):
                    headers.add(os.path.realpath(word))
    owners = run(["dpkg", "-S"] + sorted(headers)).splitlines()
    packages = {line.split(": ")[0] for line in owners}
    return sorted(p for package in packages for p in package.split(", ")
                  if not PROVIDED_HEADER_PACKAGES.match(p))


def copy_headers(packages, include_dir):
    for package in packages:
        for path in run(["dpkg", "-L", package]).splitlines():
            if path.startswith("/usr/include/") and os.path.isfile(path):
                target = os.path.join(include_dir, os.path.relpath(path, "/usr/include"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copy(path, target)


def directory_size(directory):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(directory)
               for f in files if not os.path.islink(os.path.join(d, f)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="gpu_bundle", help="folder to (re)write")
    parser.add_argument("--bazel", default="bazel")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.chdir(root)
    tests = run([args.bazel, "query", TESTS_QUERY], stderr=subprocess.DEVNULL).split()
    targets = sorted(tests) + [BENCHMARK]
    binaries = {binary_path(t): t for t in targets}

    partial = args.out + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    os.makedirs(partial)
    with tempfile.TemporaryDirectory(prefix="gan-gpu-bundle-") as scratch:
        placeholders = make_placeholders(os.path.join(scratch, "placeholders"))
        output_base = os.path.join(scratch, "output_base")
        variants = {}
        for variant in ("cuda", "cpu"):
            actions = aquery(args.bazel, output_base, targets, placeholders[variant])
            variants[variant] = first_party_graph(actions, binaries)
        subprocess.run([args.bazel, "--output_base=" + output_base, "shutdown"], check=False)
    names = sorted(set(link_library_names(variants["cuda"])) | set(link_library_names(variants["cpu"])))
    copy_libraries(names, os.path.join(partial, "lib"))
    packages = included_header_packages(args.bazel, targets, variants["cpu"]["compiles"])
    copy_headers(packages, os.path.join(partial, "include"))
    versions = run(["dpkg-query", "-W", "-f=${Package} ${Version}\n"] + packages)
    with open(os.path.join(partial, "packages.txt"), "w") as f:
        f.write(versions)
    with open(os.path.join(partial, "graph.json"), "w") as f:
        json.dump({
            "variants": variants,
            "tests": [binary_path(t) for t in sorted(tests)],
            "benchmark": binary_path(BENCHMARK),
            "placeholders": {v: p for v, p in placeholders.items()},
            "bazel_bin": BAZEL_BIN,
        }, f, indent=1)
    shutil.rmtree(args.out, ignore_errors=True)
    os.rename(partial, args.out)
    print("bundle: %s: %d compiles, %d binaries, %d libraries, headers of %s; %.1f MiB" % (
        args.out, len(variants["cuda"]["compiles"]), len(binaries), len(names),
        ", ".join(packages), directory_size(args.out) / 2**20))


if __name__ == "__main__":
    main()
