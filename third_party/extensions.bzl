"""The module extension that gives Bazel 7 modules the toolkit's system libraries.

    system = use_extension("//third_party:extensions.bzl", "system_libraries")
    use_repo(system, "libtorch", "absl", "glog", "json", "gtest", "benchmark", "png", "jpeg", "zlib")

LibTorch comes from /usr or, with --repo_env=LIBTORCH_PATH=..., from an unpacked archive
(third_party/libtorch.bzl); the others from Debian's packages.
"""

load("//third_party:repositories.bzl", "gan_system_libraries")

def _system_libraries_impl(module_ctx):
    gan_system_libraries()

system_libraries = module_extension(implementation = _system_libraries_impl)
