"""LibTorch: Debian's CPU build by default, or a CUDA LibTorch from LIBTORCH_CUDA_PATH.

`bazel build --config=cuda --repo_env=LIBTORCH_CUDA_PATH=/opt/libtorch ...` selects an
unpacked CUDA LibTorch (the cxx11-ABI archive); without it the system's
/usr/include/torch and libtorch.so are used.
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

_CUDA_BUILD = """
cc_library(
    name = "torch",
    hdrs = glob(["include/**/*.h", "include/**/*.cuh"]),
    includes = ["include", "include/torch/csrc/api/include"],
    defines = ["GAN_WITH_CUDA"],
    linkopts = [
        "-L{path}/lib",
        "-Wl,-rpath,{path}/lib",
        "-Wl,--no-as-needed",
        "-ltorch",
        "-ltorch_cuda",
        "-lc10_cuda",
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
    path = ctx.os.environ.get("LIBTORCH_CUDA_PATH", "")
    if path:
        if not ctx.path(path + "/include/torch").exists:
            fail("LIBTORCH_CUDA_PATH=%s has no include/torch: expected an unpacked LibTorch archive" % path)
        ctx.symlink(path + "/include", "include")
        ctx.file("BUILD", _CUDA_BUILD.format(path = path))
    else:
        api = "/usr/include/torch/csrc/api/include"
        if not ctx.path(api).exists:
            fail("%s is missing: run tools/setup.sh (installs libtorch-dev)" % api)
        ctx.symlink(api, "api_include")
        ctx.file("BUILD", _SYSTEM_BUILD)

libtorch_repository = repository_rule(
    implementation = _libtorch_repository_impl,
    environ = ["LIBTORCH_CUDA_PATH"],
    local = True,
)
