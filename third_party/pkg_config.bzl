"""A repository of cc_library targets whose link lines come from pkg-config.

Debian 12's Abseil (20220623) and Debian 13's (20240722) split into different libraries;
asking pkg-config when the repository is made keeps one BUILD file right for both.
"""

def _words(text):
    return [word for word in text.strip().replace("\n", " ").split(" ") if word]

def _pkg_config_repository_impl(ctx):
    pkg_config = ctx.which("pkg-config")
    if not pkg_config:
        fail("pkg-config is missing: run tools/setup.sh")
    targets = []
    for name, modules in ctx.attr.libraries.items():
        result = ctx.execute([pkg_config, "--libs"] + modules)
        if result.return_code != 0:
            fail("pkg-config --libs %s failed (%s): run tools/setup.sh" %
                 (" ".join(modules), result.stderr.strip()))
        cflags = _words(ctx.execute([pkg_config, "--cflags"] + modules).stdout)
        targets.append("""
cc_library(
    name = "{name}",
    defines = {defines},
    linkopts = {linkopts},
    visibility = ["//visibility:public"],
)
""".format(
            name = name,
            defines = [flag[2:] for flag in cflags if flag.startswith("-D")],
            linkopts = _words(result.stdout),
        ))
    ctx.file("BUILD", "# Made by pkg_config_repository from `pkg-config --libs`.\n" +
                      "".join(targets))

pkg_config_repository = repository_rule(
    implementation = _pkg_config_repository_impl,
    attrs = {"libraries": attr.string_list_dict(mandatory = True)},
    local = True,
)
