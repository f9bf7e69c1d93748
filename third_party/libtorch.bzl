"""LibTorch: the system's (Debian's libtorch-dev) by default, or an unpacked archive.

`--repo_env=LIBTORCH_PATH=/path/to/libtorch` selects any LibTorch 2.x laid out as the
PyTorch site's archives are (`include/`, `lib/`, `share/cmake/Torch`; the cxx11 ABI build,
which the system's Abseil and glog need), CPU or CUDA: with `lib/libtorch_cuda.so` present,
its CUDA libraries are linked too; LibTorch's CUDA headers then need the CUDA toolkit's
($CUDA_HOME/include, /usr/local/cuda/include or /usr/include), and where NCCL's nccl.h is
found as well ($NCCL_HOME/include or those), `@libtorch//:config.bzl` says
LIBTORCH_HAS_NCCL and data parallelism builds its NCCL backend. A PyTorch wheel's
`torch/` directory has the same layout. Without LIBTORCH_PATH, /usr/include/torch and the
system's libtorch.so are used (1.13 on Debian 12, 2.6 on Debian 13).
"""

# What first-party targets depend on: LibTorch, plus the guard that keeps oneDNN 3.2-3.7 from
# misreading the caches of AMD CPUs whose CPUID hides them (gan/core/onednn_cache_guard.h),
# linked into every program that uses LibTorch. `torch_library` is LibTorch alone.
_TORCH_WITH_GUARD = """
cc_library(
    name = "torch",
    deps = [":torch_library", "{guard}"],
    visibility = ["//visibility:public"],
)
"""

# The guard's label as the generated BUILD file must spell it: with the repository of this
# file (the main one, or the toolkit's name where another workspace uses it).
def _guard_label():
    label = str(Label("//gan/core:onednn_cache_guard"))
    return label if label.startswith("@") else "@" + label

_SYSTEM_BUILD = """
cc_library(
    name = "torch_library",
    hdrs = glob(["api_include/**/*.h"]),
    includes = ["api_include"],
    linkopts = ["-ltorch", "-ltorch_cpu", "-lc10", "-lglog", "-lgflags", "-lpthread"],
    visibility = ["//visibility:public"],
)
"""

_ARCHIVE_BUILD = """
cc_library(
    name = "torch_library",
    hdrs = glob(["include/**/*.h", "include/**/*.cuh"] + {extra_headers}),
    includes = ["include", "include/torch/csrc/api/include"] + {extra_includes},
    linkopts = [
        "-L{path}/lib",
        "-Wl,-rpath,{path}/lib",
        "-Wl,--no-as-needed",
        "-ltorch",
    ] + {cuda_libraries} + [
        "-Wl,--as-needed",
        "-ltorch_cpu",
        "-lc10",
        "-lglog",
        "-lgflags",
        "-lpthread",
    ],
    visibility = ["//visibility:public"],
)
"""

def _find_header(ctx, header, home_variable):
    """The directory holding `header`: $HOME_VARIABLE/include, /usr/local/cuda/include or
    /usr/include (Debian's nvidia-cuda-dev and libnccl-dev), or None."""
    candidates = ["/usr/local/cuda/include", "/usr/include"]
    if ctx.os.environ.get(home_variable, ""):
        candidates = [ctx.os.environ[home_variable] + "/include"] + candidates
    for directory in candidates:
        if ctx.path(directory + "/" + header).exists:
            return directory
    return None

def _expose_headers(ctx, directory, name):
    """Makes `directory` includable as `name` (its top-level, crt/ and nv/ headers are what
    LibTorch's CUDA headers reach); [] for /usr/include, which the compiler searches anyway."""
    if directory == "/usr/include":
        return []
    ctx.symlink(directory, name)
    return [name]

def _libtorch_repository_impl(ctx):
    path = ctx.os.environ.get("LIBTORCH_PATH", "")
    if path:
        if not ctx.path(path + "/include/torch").exists or not ctx.path(path + "/lib").exists:
            fail("LIBTORCH_PATH=%s has no include/torch or no lib/: expected an unpacked " % path +
                 "LibTorch archive (or a PyTorch wheel's torch/ directory)")
        cuda = ctx.path(path + "/lib/libtorch_cuda.so").exists
        extra_includes = []
        nccl = False
        if cuda:
            # LibTorch's CUDA headers include the CUDA runtime's; its NCCL backend, NCCL's.
            cuda_include = _find_header(ctx, "cuda_runtime_api.h", "CUDA_HOME")
            if not cuda_include:
                fail("LIBTORCH_PATH=%s is a CUDA LibTorch, but cuda_runtime_api.h is in none of " % path +
                     "$CUDA_HOME/include, /usr/local/cuda/include, /usr/include: install the CUDA toolkit")
            extra_includes += _expose_headers(ctx, cuda_include, "cuda_include")
            nccl_include = _find_header(ctx, "nccl.h", "NCCL_HOME")
            if nccl_include:
                nccl = True
                if nccl_include != cuda_include:
                    extra_includes += _expose_headers(ctx, nccl_include, "nccl_include")
        ctx.symlink(path + "/include", "include")
        ctx.file("BUILD", _TORCH_WITH_GUARD.format(guard = _guard_label()) + _ARCHIVE_BUILD.format(
            path = path,
            extra_headers = [d + "/" + pattern for d in extra_includes for pattern in ["*", "crt/**", "nv/**"]],
            extra_includes = extra_includes,
            # Linked even though nothing names their symbols: they register the CUDA kernels.
            cuda_libraries = ["-ltorch_cuda", "-lc10_cuda"] if cuda else [],
        ))
        ctx.file("config.bzl", "LIBTORCH_HAS_CUDA = %s\nLIBTORCH_HAS_NCCL = %s\n" % (cuda, nccl))
    else:
        api = "/usr/include/torch/csrc/api/include"
        if not ctx.path(api).exists:
            fail("%s is missing: run tools/setup.sh (installs libtorch-dev)" % api)
        ctx.symlink(api, "api_include")
        ctx.file("BUILD", _TORCH_WITH_GUARD.format(guard = _guard_label()) + _SYSTEM_BUILD)
        ctx.file("config.bzl", "LIBTORCH_HAS_CUDA = False\nLIBTORCH_HAS_NCCL = False\n")

libtorch_repository = repository_rule(
    implementation = _libtorch_repository_impl,
    environ = ["LIBTORCH_PATH", "CUDA_HOME", "NCCL_HOME"],
    local = True,
)
