"""A repository made of one BUILD file that links a library Debian installed in /usr.

The libraries' headers are in /usr/include, which the compiler searches anyway, so the
BUILD file only names link options. Works from WORKSPACE (Bazel 4) and from a module
extension (Bazel 7), where native.new_local_repository is not available.
"""

def _system_library_repository_impl(ctx):
    ctx.file("BUILD", ctx.read(ctx.attr.build_file))

system_library_repository = repository_rule(
    implementation = _system_library_repository_impl,
    attrs = {"build_file": attr.label(mandatory = True, allow_single_file = True)},
    local = True,
)
