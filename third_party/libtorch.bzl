"""LibTorch: the system's (Debian's libtorch-dev) by default, or an unpacked archive.

`--repo_env=LIBTORCH_PATH=/path/to/libtorch` selects any LibTorch 2.x laid out as the
PyTorch site's archives are (`include/`, `lib/`, `share/cmake/Torch`; the cxx11 ABI build,
which the system's Abseil and glog need), CPU or CUDA: with `lib/libtorch_cuda.so` present,
its CUDA libraries are linked too and GAN_WITH_CUDA is defined. A PyTorch wheel's `torch/`
directory has the same layout. Without LIBTORCH_PATH, /usr/include/torch and the system's
libtorch.so are used (1.13 on Debian 12, 2.6 on Debian 13).
"""

_SYSTEM_BUILD = """
cc_library(
    name = "torch",
    hdrs = glob(["api_include/**/*.h"]),
    includes = ["api_include"],
    linkopts = ["-ltorch", "-ltorch_cpu", "-lc10", "-lglog", "-lgflags", "-lpthread"],
    visibility = ["//visibility:public"],
)
"""

_ARCHIVE_BUILD = """
cc_library(
    name = "torch",
    hdrs = glob(["include/**/*.h", "include/**/*.cuh"]),
    includes = ["include", "include/torch/csrc/api/include"],
    defines = {defines},
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

def _libtorch_repository_impl(ctx):
    path = ctx.os.environ.get("LIBTORCH_PATH", "")
    if path:
        if not ctx.path(path + "/include/torch").exists or not ctx.path(path + "/lib").exists:
            fail("LIBTORCH_PATH=%s has no include/torch or no lib/: expected an unpacked " % path +
                 "LibTorch archive (or a PyTorch wheel's torch/ directory)")
        cuda = ctx.path(path + "/lib/libtorch_cuda.so").exists
        ctx.symlink(path + "/include", "include")
        ctx.file("BUILD", _ARCHIVE_BUILD.format(
            path = path,
            defines = ["GAN_WITH_CUDA"] if cuda else [],
            # Linked even though nothing names their symbols: they register the CUDA kernels.
            cuda_libraries = ["-ltorch_cuda", "-lc10_cuda"] if cuda else [],
        ))
    else:
        api = "/usr/include/torch/csrc/api/include"
        if not ctx.path(api).exists:
            fail("%s is missing: run tools/setup.sh (installs libtorch-dev)" % api)
        ctx.symlink(api, "api_include")
        ctx.file("BUILD", _SYSTEM_BUILD)

libtorch_repository = repository_rule(
    implementation = _libtorch_repository_impl,
    environ = ["LIBTORCH_PATH"],
    local = True,
)
