#!/usr/bin/env python3
"""Writes a ninja file that builds the GPU check's binaries on a machine without Bazel,
from the command lines that bundle.py took from Bazel's action graph.

  configure.py --torch DIR [--cuda_include DIR] [--nccl_include DIR] [--bundle gpu_bundle]
               [--build_dir gpu_build]

It rewrites those lines, and nothing else: the placeholders of LibTorch, the CUDA runtime's
and NCCL's headers become the paths given; Bazel's output tree becomes --build_dir; the
system libraries' headers and libraries come from the bundle; the C++ standard is C++20
where the LibTorch's torch/all.h asks for it (as third_party/libtorch.bzl checks); warnings
stay warnings (-Werror is for the compilers CI uses); the gold linker is used where there
is one, else lld, else the default linker with every object on the line. The CUDA variant
is chosen when DIR/lib/libtorch_cuda.so exists. Run from the repository root; prints the
path of the ninja file.
"""

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys


def linker_flag(compiler):
    """-fuse-ld=gold or =lld where the compiler can link with it, else None."""
    for linker in ("gold", "lld"):
        probe = subprocess.run([compiler, "-fuse-ld=" + linker, "-Wl,--version"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if probe.returncode == 0:
            return "-fuse-ld=" + linker
    return None


def cxx_standard(torch):
    all_h = os.path.join(torch, "include/torch/csrc/api/include/torch/all.h")
    with open(all_h) as f:
        return "-std=c++20" if "C++20 or later" in f.read() else "-std=c++17"


class Rewriter:
    def __init__(self, args, graph, variant):
        placeholders = graph["placeholders"][variant]
        self.bazel_bin = graph["bazel_bin"]
        self.build_dir = args.build_dir.rstrip("/") + "/"
        self.compiler = args.compiler
        self.standard = cxx_standard(args.torch)
        self.linker = linker_flag(args.compiler)
        self.torch_lib = os.path.join(args.torch, "lib")
        self.placeholder_lib = os.path.join(placeholders["torch"], "lib")
        self.includes = {
            "external/libtorch/include": os.path.join(args.torch, "include"),
            "external/libtorch/include/torch/csrc/api/include":
                os.path.join(args.torch, "include/torch/csrc/api/include"),
            # The compiler searches /usr/include anyway; naming it would break #include_next.
            "external/libtorch/cuda_include": "" if args.cuda_include == "/usr/include" else args.cuda_include,
            "external/libtorch/nccl_include": "" if args.nccl_include == "/usr/include" else args.nccl_include,
            self.bazel_bin.rstrip("/"): args.build_dir,
        }
        bundle_include = os.path.join(args.bundle, "include")
        self.system_includes = ["-isystem", bundle_include]
        multiarch = os.path.join(bundle_include, "x86_64-linux-gnu")
        if os.path.isdir(multiarch):
            self.system_includes += ["-isystem", multiarch]
        bundle_lib = os.path.abspath(os.path.join(args.bundle, "lib"))
        # DT_RPATH, not RUNPATH: it also finds what the bundled libraries load (glog's libunwind).
        self.library_flags = ["-L" + bundle_lib, "-Wl,-rpath," + bundle_lib, "-Wl,--disable-new-dtags"]
        # libtorch_cuda's own libraries (the nvidia/* wheels), which its RUNPATH finds at run
        # time; the linker is told where they are, or not to mind.
        for directory in args.rpath_link:
            self.library_flags.append("-Wl,-rpath-link," + directory)
        self.library_flags.append("-Wl,--allow-shlib-undefined")

    def path(self, word):
        return word.replace(self.bazel_bin, self.build_dir)

    def compile(self, arguments):
        out = [self.compiler]
        words = iter(arguments[1:])
        for word in words:
            if word in ("-iquote", "-isystem", "-I"):
                directory = next(words)
                if directory in self.includes:
                    if self.includes[directory]:
                        out += [word, self.includes[directory]]
                elif not directory.startswith(("external/", self.bazel_bin + "external/")):
                    out += [word, directory]
            elif word.startswith("-std="):
                out.append(self.standard)
            elif word == "-Werror":
                continue
            elif word == "-c":
                out += self.system_includes + [word]
            else:
                out.append(self.path(word))
        return out

    def link(self, arguments):
        out = [self.compiler]
        for word in arguments[1:]:
            if word == "-fuse-ld=gold":
                if self.linker:
                    out.append(self.linker)
            elif word in ("-Wl,--start-lib", "-Wl,--end-lib") and not self.linker:
                continue
            elif word.startswith(self.bazel_bin + "external/"):
                continue  # @libtorch's C++ standard check: cxx_standard() stands for it
            elif word == "-L" + self.placeholder_lib:
                # The bundle's first: a LibTorch directory may hold other versions of them.
                out += self.library_flags + ["-L" + self.torch_lib]
            elif word == "-Wl,-rpath," + self.placeholder_lib:
                out.append("-Wl,-rpath," + self.torch_lib)
            else:
                out.append(self.path(word))
        return out


def ninja_escape(text):
    return text.replace("$", "$$").replace(" ", "$ ").replace(":", "$:")


def command(words):
    return " ".join(shlex.quote(w) for w in words).replace("$", "$$")


def write_ninja(path, rewriter, variant_graph):
    lines = [
        "# Generated by tools/gpu_check/configure.py from Bazel's command lines.",
        "builddir = " + ninja_escape(os.path.dirname(path)),
        "rule compile",
        "  command = $cmd",
        "  depfile = $depfile",
        "  deps = gcc",
        "  description = compile $in",
        "rule link",
        "  command = $cmd",
        "  description = link $out",
        "",
    ]
    for action in variant_graph["compiles"]:
        words = rewriter.compile(action["arguments"])
        output = rewriter.path(action["output"])
        depfile = words[words.index("-MF") + 1]
        lines += ["build %s: compile %s" % (ninja_escape(output), ninja_escape(action["source"])),
                  "  cmd = mkdir -p %s && %s" % (shlex.quote(os.path.dirname(output)), command(words)),
                  "  depfile = " + depfile]
    binaries = []
    for action in variant_graph["links"]:
        words = rewriter.link(action["arguments"])
        output = rewriter.path(action["output"])
        objects = [w for w in words if w.endswith(".o")]
        lines += ["build %s: link %s" % (ninja_escape(output), " ".join(ninja_escape(o) for o in objects)),
                  "  cmd = mkdir -p %s && %s" % (shlex.quote(os.path.dirname(output)), command(words))]
        binaries.append(output)
    lines.append("default " + " ".join(ninja_escape(b) for b in binaries))
    with open(path + ".partial", "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(path + ".partial", path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--torch", required=True, help="LibTorch: a wheel's torch/ or an archive")
    parser.add_argument("--cuda_include", default="", help="the directory of cuda_runtime_api.h")
    parser.add_argument("--nccl_include", default="", help="the directory of nccl.h")
    parser.add_argument("--rpath_link", action="append", default=[],
                        help="a directory of libraries that LibTorch's libraries load")
    parser.add_argument("--bundle", default="gpu_bundle")
    parser.add_argument("--build_dir", default="gpu_build")
    parser.add_argument("--compiler", default=os.environ.get("CC", "gcc"))
    args = parser.parse_args()
    with open(os.path.join(args.bundle, "graph.json")) as f:
        graph = json.load(f)
    variant = "cuda" if os.path.exists(os.path.join(args.torch, "lib/libtorch_cuda.so")) else "cpu"
    if variant == "cuda" and not args.cuda_include:
        sys.exit("configure: %s is a CUDA LibTorch: give --cuda_include" % args.torch)
    if variant == "cuda" and not args.nccl_include:
        # Built without it, data parallelism's NCCL backend would need another action graph.
        sys.exit("configure: %s is a CUDA LibTorch: give --nccl_include (the nccl.h of its "
                 "NCCL)" % args.torch)
    if not shutil.which(args.compiler):
        sys.exit("configure: no compiler '%s' (set CC)" % args.compiler)
    rewriter = Rewriter(args, graph, variant)
    os.makedirs(args.build_dir, exist_ok=True)
    path = os.path.join(args.build_dir, "build.ninja")
    write_ninja(path, rewriter, graph["variants"][variant])
    with open(os.path.join(args.build_dir, "binaries.json"), "w") as f:
        json.dump({"variant": variant, "standard": rewriter.standard, "linker": rewriter.linker,
                   "tests": [rewriter.path(t) for t in graph["tests"]],
                   "benchmark": rewriter.path(graph["benchmark"])}, f, indent=1)
    print(path)


if __name__ == "__main__":
    main()
