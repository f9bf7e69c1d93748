"""gan_fuzz_target: one libFuzzer target plus a regression test over its corpus.

    load("//tools:fuzz.bzl", "gan_fuzz_target")
    gan_fuzz_target(name = "idx_fuzzer", srcs = ["idx_fuzzer.cc"], deps = [...], corpus = "corpus/idx")

makes
  :idx_fuzzer              the libFuzzer binary; needs clang, so it is tagged manual and
                           built with `bazel build --config=fuzz` (see tools/fuzz.sh);
  :idx_fuzzer_corpus_test  every file of the corpus through the same entry point, in
                           the ordinary build (gcc, and under --config=asan / ubsan).
"""

def gan_fuzz_target(name, srcs, deps, corpus):
    native.cc_binary(
        name = name,
        srcs = srcs,
        deps = deps,
        linkopts = ["-fsanitize=fuzzer"],
        tags = ["manual"],
    )
    native.cc_test(
        name = name + "_corpus_test",
        size = "small",
        srcs = srcs,
        deps = deps + ["//gan/fuzz:corpus_replay_main"],
        args = [native.package_name() + "/" + corpus],
        data = native.glob([corpus + "/*"]),
    )
