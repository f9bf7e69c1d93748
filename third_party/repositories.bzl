"""Every external dependency of the toolkit, as local repositories over Debian packages.

Used by this WORKSPACE and by any workspace that depends on the toolkit:

    local_repository(name = "gan", path = "/path/to/this/repo")
    load("@gan//third_party:repositories.bzl", "gan_dependencies")
    gan_dependencies(toolkit_root = "/path/to/this/repo")

Bazel 7's modules get the same system libraries through third_party/extensions.bzl.
"""

load("//third_party:libtorch.bzl", "libtorch_repository")
load("//third_party:pkg_config.bzl", "pkg_config_repository")
load("//third_party:system_library.bzl", "system_library_repository")

_SYSTEM_LIBRARIES = ["glog", "json", "gtest", "benchmark", "png", "jpeg", "zlib"]

# The Abseil targets the toolkit uses, each with the pkg-config modules it links.
_ABSL_LIBRARIES = {
    "status": ["absl_status", "absl_statusor", "absl_strings", "absl_str_format"],
    "strings": ["absl_strings", "absl_str_format"],
    "flags": ["absl_flags_parse", "absl_flags", "absl_flags_usage"],
    "time": ["absl_time"],
}

def gan_system_libraries():
    """Declares LibTorch, Abseil and the other system libraries as repositories."""
    libtorch_repository(name = "libtorch")
    pkg_config_repository(name = "absl", libraries = _ABSL_LIBRARIES)
    for name in _SYSTEM_LIBRARIES:
        system_library_repository(
            name = name,
            build_file = Label("//third_party:%s.BUILD" % name),
        )

def gan_dependencies(toolkit_root = "."):
    """Declares rules_cc/rules_java stand-ins and the system libraries (WORKSPACE).

    Args:
      toolkit_root: path of the toolkit checkout, relative to the calling workspace.
    """
    native.local_repository(name = "rules_cc", path = toolkit_root + "/third_party/rules_cc")
    native.local_repository(name = "rules_java", path = toolkit_root + "/third_party/rules_java")
    native.local_repository(
        name = "remote_coverage_tools",
        path = toolkit_root + "/third_party/remote_coverage_tools",
    )
    gan_system_libraries()
