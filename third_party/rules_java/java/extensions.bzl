"""The extension bazel_tools takes its Java toolchains from: empty repositories, since the
toolkit builds no Java and nothing can be downloaded (third_party/bzlmod/README.md)."""

_REPOSITORIES = [
    "local_jdk",
    "remote_java_tools",
    "remote_java_tools_linux",
    "remote_java_tools_windows",
    "remote_java_tools_darwin_x86_64",
    "remote_java_tools_darwin_arm64",
]

def _empty_repository_impl(repository_ctx):
    repository_ctx.file("BUILD", "# Empty: no Java toolchain offline.\n")

_empty_repository = repository_rule(implementation = _empty_repository_impl)

def _toolchains_impl(module_ctx):
    for name in _REPOSITORIES:
        _empty_repository(name = name)

toolchains = module_extension(implementation = _toolchains_impl)
