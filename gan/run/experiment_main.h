// The main() every experiment binary shares: flags, config (embedded default, file,
// overrides), run directory, data, networks, updater, trainer and extensions.
// tools/experiment.bzl generates a binary per config that calls ExperimentMain with the
// config's text compiled in.
#ifndef GAN_RUN_EXPERIMENT_MAIN_H_
#define GAN_RUN_EXPERIMENT_MAIN_H_

namespace gan {

// Returns the process exit code (0 on success; 1 with a message on any error).
int ExperimentMain(int argc, char** argv, const char* embedded_config);

}  // namespace gan

#endif  // GAN_RUN_EXPERIMENT_MAIN_H_
