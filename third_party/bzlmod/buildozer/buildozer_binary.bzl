"""The extension bazel_tools uses for `bazel mod tidy`; offline there is no buildozer."""

def _empty_repository_impl(repository_ctx):
    repository_ctx.file("BUILD", "# Empty: no buildozer offline (see ../README.md).\n")

_empty_repository = repository_rule(implementation = _empty_repository_impl)

def _buildozer_binary_impl(module_ctx):
    _empty_repository(name = "buildozer_binary")

buildozer_binary = module_extension(implementation = _buildozer_binary_impl)
